import { describe, expect, it } from "vitest";
import { isSignupAllowed } from "../src/login/signup-policy";
import {
  askForLink,
  getPage,
  latestMail,
  linkFields,
  linkPath,
  mailCount,
  makeUser,
  me,
  PREFIX,
  postForm,
  rows,
  sessionCookie,
  testConfig,
  uniqueEmail,
  workerWith,
} from "./login-helpers";

const closed = workerWith({ SIGNUP: "closed" });
const open = workerWith({ SIGNUP: "open" });
const allowlist = workerWith({
  SIGNUP: "allowlist",
  ALLOWED_EMAILS: "Boss@Partner.example, intern@partner.example",
  ALLOWED_EMAIL_DOMAINS: "example.org, @team.example",
});

async function userCount(email: string): Promise<number> {
  return (await rows("SELECT id FROM users WHERE email = ?", email)).length;
}

describe("SIGNUP=closed (the default)", () => {
  it("sends nothing to an unknown address and creates no user", async () => {
    const email = uniqueEmail("stranger");
    expect((await askForLink(email)).status).toBe(200);
    expect(await mailCount(email)).toBe(0);
    expect(await userCount(email)).toBe(0);
    const [event] = await rows<{ reason: string }>(
      "SELECT reason FROM auth_events WHERE event = 'signup_refused' ORDER BY id DESC LIMIT 1",
    );
    expect(event!.reason).toBe("signup_closed");
  });

  it("still signs existing users in", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    expect(await mailCount(user.email)).toBe(1);
  });
});

describe("SIGNUP=open", () => {
  it("emails a new address but creates the user only when the link is redeemed", async () => {
    const email = uniqueEmail("newcomer");
    expect((await askForLink(email, { fetcher: open, next: "/welcome" })).status).toBe(200);
    expect(await userCount(email)).toBe(0);

    const { link } = await latestMail(email, open);
    const page = await getPage(linkPath(link), { fetcher: open });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Continue as ${email}`);
    await getPage(linkPath(link), { fetcher: open, method: "HEAD" });
    expect(await userCount(email)).toBe(0);

    const res = await postForm(`${PREFIX}/link`, linkFields(link), { fetcher: open });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/welcome");
    expect(await userCount(email)).toBe(1);
    const identity = (await (await me(sessionCookie(res), open)).json()) as { userId: string };
    expect(identity).toMatchObject({ email, amr: "link" });
    const created = await rows<{ reason: string }>(
      "SELECT reason FROM auth_events WHERE event = 'user_created' AND user_id = ?",
      identity.userId,
    );
    expect(created).toEqual([{ reason: "signup" }]);
  });

  it("creates the user when the code is redeemed, and the link then dies", async () => {
    const email = uniqueEmail("by-code");
    await askForLink(email, { fetcher: open });
    const { code, link } = await latestMail(email, open);
    const res = await postForm(`${PREFIX}/code`, { email, code, next: "/" }, { fetcher: open });
    expect(res.status).toBe(303);
    expect(await userCount(email)).toBe(1);
    expect((await postForm(`${PREFIX}/link`, linkFields(link), { fetcher: open })).status).toBe(400);
  });

  it("gives one user and one session to 20 concurrent POSTs of one sign-up link", async () => {
    const email = uniqueEmail("racer");
    await askForLink(email, { fetcher: open });
    const fields = linkFields((await latestMail(email, open)).link);
    const results = await Promise.all(Array.from({ length: 20 }, () => postForm(`${PREFIX}/link`, fields, { fetcher: open })));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(await userCount(email)).toBe(1);
    const [user] = await rows<{ id: string }>("SELECT id FROM users WHERE email = ?", email);
    expect(await rows("SELECT id FROM sessions WHERE user_id = ?", user!.id)).toHaveLength(1);
  });

  it("shows the generic invalid page for a sign-up link used once already", async () => {
    const email = uniqueEmail("twice");
    await askForLink(email, { fetcher: open });
    const { link } = await latestMail(email, open);
    await postForm(`${PREFIX}/link`, linkFields(link), { fetcher: open });
    const again = await getPage(linkPath(link), { fetcher: open });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("This sign-in link cannot be used");
  });

  it("refuses the sign-up link once SIGNUP is closed before it is redeemed", async () => {
    const email = uniqueEmail("too-late");
    await askForLink(email, { fetcher: open });
    const fields = linkFields((await latestMail(email, open)).link);
    const closed = workerWith({ SIGNUP: "closed" });
    expect((await postForm(`${PREFIX}/link`, fields, { fetcher: closed })).status).toBe(400);
    expect(await userCount(email)).toBe(0);
  });

  it("refuses a sign-up link for an account that appeared after the email was sent", async () => {
    const email = uniqueEmail("preempted");
    await askForLink(email, { fetcher: open });
    const fields = linkFields((await latestMail(email, open)).link);
    await makeUser(email);
    expect((await postForm(`${PREFIX}/link`, fields, { fetcher: open })).status).toBe(400);
  });

  it("does not give a sign-up link's token to the login-link check, nor the reverse", async () => {
    const { checkToken } = await import("../src/auth/token-service");
    const { env } = await import("cloudflare:workers");
    const { createDb } = await import("../src/db/client");
    const email = uniqueEmail("scoped");
    await askForLink(email, { fetcher: open });
    const { sesame } = linkFields((await latestMail(email, open)).link);
    const asLogin = await checkToken({ config: open.config, db: createDb(env.DB), kv: env.REVOKED }, sesame, { scope: "" });
    expect(asLogin).toMatchObject({ ok: false, reason: "wrong_scope" });
  });
});

describe("SIGNUP=allowlist", () => {
  it("emails an address listed in ALLOWED_EMAILS, in any case", async () => {
    await rows("DELETE FROM dev_messages WHERE to_address = ?", "boss@partner.example");
    expect((await askForLink("BOSS@partner.example", { fetcher: allowlist })).status).toBe(200);
    expect(await mailCount("boss@partner.example", allowlist)).toBe(1);
  });

  it("emails an address whose domain is exactly in ALLOWED_EMAIL_DOMAINS", async () => {
    for (const email of [uniqueEmail("a", "example.org"), uniqueEmail("b", "team.example")]) {
      await askForLink(email, { fetcher: allowlist });
      expect(await mailCount(email, allowlist)).toBe(1);
    }
  });

  it.each([
    ["another address at a listed address's domain", "someone@partner.example"],
    ["a look-alike domain", "x@evil-example.org"],
    ["the domain as a prefix of another", "x@example.org.evil.com"],
    ["a subdomain of a listed domain", "x@sub.example.org"],
    ["a listed domain as a suffix", "x@notexample.org"],
    ["a listed address as a suffix", "xboss@partner.example"],
  ])("refuses %s", async (_name, email) => {
    const res = await askForLink(email, { fetcher: allowlist });
    expect(res.status).toBe(200);
    expect(await mailCount(email, allowlist)).toBe(0);
  });

  it("matches the policy exactly in the pure function too", () => {
    const signup = allowlist.config.signup;
    expect(isSignupAllowed(signup, "intern@partner.example")).toBe(true);
    expect(isSignupAllowed(signup, "a@example.org")).toBe(true);
    expect(isSignupAllowed(signup, "a@example.org.evil.com")).toBe(false);
    expect(isSignupAllowed(signup, "a@evil-example.org")).toBe(false);
    expect(isSignupAllowed(signup, "a@sub.example.org")).toBe(false);
    expect(isSignupAllowed(testConfig().signup, "a@example.org")).toBe(false);
    expect(isSignupAllowed(open.config.signup, "anyone@anywhere.example")).toBe(true);
  });
});

describe("inactive users", () => {
  it("are sent nothing, under every policy", async () => {
    for (const fetcher of [closed, open, allowlist]) {
      const user = await makeUser(uniqueEmail("inactive", "example.org"), { isActive: false });
      expect((await askForLink(user.email, { fetcher })).status).toBe(200);
      expect(await mailCount(user.email, fetcher), fetcher.config.signup.policy).toBe(0);
    }
  });
});
