/**
 * SAME_DEVICE (docs/security.md "Same device"): the browser that asks for the email holds an
 * attempt cookie bound (by keyed hash) to that login request; a link opened elsewhere is
 * told so (warn) or refused (require), and with require the code works only there too.
 */
import { describe, expect, it } from "vitest";
import { echoOf, gate, userWithSession } from "./gate-support";
import {
  askForLink,
  type Fetcher,
  getPage,
  latestMail,
  linkFields,
  linkPath,
  makeUser,
  PREFIX,
  postForm,
  rows,
  sessionCookie,
  uniqueEmail,
  workerWith,
} from "./login-helpers";

const LAPTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const warn = workerWith({ SAME_DEVICE: "warn" });
const require_ = workerWith({ SAME_DEVICE: "require" });

/** "name=value" of the attempt cookie a response sets, or null. */
function attemptCookie(res: Response): string | null {
  const header = res.headers.getSetCookie().find((h) => /^(__Host-)?sesame-attempt=/.test(h));
  return header ? header.split(";")[0]! : null;
}

/** Asks for an email from "the laptop" and returns its attempt cookie and the email's link and code. */
async function askFromLaptop(email: string, fetcher: Fetcher, cookie?: string) {
  const res = await postForm(
    `${PREFIX}/login`,
    { email, next: "/" },
    { fetcher, cookie, headers: { Origin: "http://localhost:8787", "User-Agent": LAPTOP_UA } },
  );
  expect(res.status).toBe(200);
  const { link, code } = await latestMail(email, fetcher);
  return { cookie: attemptCookie(res), link, code };
}

describe("the attempt cookie", () => {
  it("is set on every 'check your email' answer: HttpOnly, Lax, for the link's lifetime, named for plain-http localhost", async () => {
    const res = await askForLink(uniqueEmail("nobody"));
    const header = res.headers.getSetCookie().find((h) => h.startsWith("sesame-attempt="));
    expect(header).toMatch(/^sesame-attempt=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
  });

  it("is __Host-sesame-attempt and Secure when PUBLIC_URL is https", async () => {
    const https = workerWith({ PUBLIC_URL: "https://app.example.com", MAILER: "mailchannels", MAILCHANNELS_API_KEY: "same-device-test" });
    const res = await postForm(
      `${PREFIX}/login`,
      { email: uniqueEmail("nobody"), next: "/" },
      { fetcher: https, headers: { Origin: "https://app.example.com" } },
    );
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().find((h) => h.startsWith("__Host-sesame-attempt="))).toMatch(
      /^__Host-sesame-attempt=[\w-]{43}; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/,
    );
  });

  it("is stored only as a keyed hash bound to the login request, beside the link's hash", async () => {
    const user = await makeUser();
    const { cookie } = await askFromLaptop(user.email, warn);
    const value = cookie!.split("=")[1]!;
    const [row] = await rows<{ attempt_hash: string; link_hash: string }>(
      "SELECT attempt_hash, link_hash FROM login_requests WHERE email = ?",
      user.email,
    );
    expect(row!.attempt_hash).toMatch(/^[\w-]{43}$/);
    expect(row!.attempt_hash).not.toBe(value);
    expect(row!.link_hash).toMatch(/^[\w-]{43}$/);
  });

  it("keeps the browser's value when it asks again, so both emails count as asked there", async () => {
    const user = await makeUser();
    const first = await askFromLaptop(user.email, warn);
    const second = await askFromLaptop(user.email, warn, first.cookie!);
    expect(second.cookie).toBe(first.cookie);
    const page = await getPage(linkPath(first.link), { fetcher: warn, cookie: first.cookie });
    expect(await page.text()).not.toContain("different browser");
  });

  it("is not set, nor bound, with SAME_DEVICE=off", async () => {
    const off = workerWith({ SAME_DEVICE: "off" });
    const user = await makeUser();
    const res = await askForLink(user.email, { fetcher: off });
    expect(attemptCookie(res)).toBeNull();
    const [row] = await rows<{ attempt_hash: string | null }>("SELECT attempt_hash FROM login_requests WHERE email = ?", user.email);
    expect(row!.attempt_hash).toBeNull();
    const { link } = await latestMail(user.email, off);
    expect(await (await getPage(linkPath(link), { fetcher: off })).text()).toContain(`Continue as ${user.email}`);
  });

  it("never reaches the origin, in either spelling", async () => {
    const { cookie } = await userWithSession();
    const res = await gate("/x", { headers: { Cookie: `a=1; ${cookie}; sesame-attempt=x; __Host-sesame-attempt=y; b=2` } });
    expect((await echoOf(res)).headers.cookie).toBe("a=1; b=2");
  });
});

describe("SAME_DEVICE=warn (the default)", () => {
  it("shows the asking browser its usual confirmation", async () => {
    const user = await makeUser();
    const { cookie, link } = await askFromLaptop(user.email, warn);
    const html = await (await getPage(linkPath(link), { fetcher: warn, cookie })).text();
    expect(html).toContain(`Continue as ${user.email}`);
    expect(html).not.toContain("different browser");
  });

  it("tells another browser which browser asked and when, offers the code there, and still lets the link work", async () => {
    const user = await makeUser();
    const { link } = await askFromLaptop(user.email, warn);
    const page = await getPage(linkPath(link), { fetcher: warn });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("This link was opened in a different browser");
    expect(html).toContain("asked for from Chrome on Linux, on ");
    expect(html).toMatch(/on \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M UTC/);
    expect(html).toContain("type the code from the same email into that browser");
    expect(html).toContain(`Continue as ${user.email}`);
    const [event] = await rows<{ reason: string }>(
      "SELECT reason FROM auth_events WHERE event = 'link_other_browser' AND user_id = ?",
      user.id,
    );
    expect(event!.reason).toBe("same_device_warned");

    const redeemed = await postForm(`${PREFIX}/link`, linkFields(link), { fetcher: warn });
    expect(redeemed.status).toBe(303);
    expect(sessionCookie(redeemed)).not.toBeNull();
    const [redemption] = await rows<{ detail: string }>(
      "SELECT detail FROM auth_events WHERE event = 'link_redeemed' AND user_id = ?",
      user.id,
    );
    expect(JSON.parse(redemption!.detail)).toMatchObject({ sameDevice: "other" });
  });

  it("treats a cookie some other sign-in set as another browser", async () => {
    const user = await makeUser();
    const { link } = await askFromLaptop(user.email, warn);
    const elsewhere = await askFromLaptop((await makeUser()).email, warn);
    const html = await (await getPage(linkPath(link), { fetcher: warn, cookie: elsewhere.cookie })).text();
    expect(html).toContain("This link was opened in a different browser");
  });

  it("keeps the code working in any browser", async () => {
    const user = await makeUser();
    const { code } = await askFromLaptop(user.email, warn);
    expect((await postForm(`${PREFIX}/code`, { email: user.email, code, next: "/" }, { fetcher: warn })).status).toBe(303);
  });
});

describe("SAME_DEVICE=require", () => {
  it("refuses the link in another browser without consuming it, and signs the asking browser in", async () => {
    const user = await makeUser();
    const { cookie, link } = await askFromLaptop(user.email, require_);

    const view = await getPage(linkPath(link), { fetcher: require_ });
    expect(view.status).toBe(403);
    const html = await view.text();
    expect(html).toContain("Finish signing in where you asked");
    expect(html).toContain("Chrome on Linux");
    expect(html).not.toContain('name="sesame"');

    const forced = await postForm(`${PREFIX}/link`, linkFields(link), { fetcher: require_ });
    expect(forced.status).toBe(403);
    expect(sessionCookie(forced)).toBeNull();

    const mine = await postForm(`${PREFIX}/link`, linkFields(link), { fetcher: require_, cookie });
    expect(mine.status).toBe(303);
    expect(sessionCookie(mine)).not.toBeNull();
  });

  it("refuses the code from a browser without an attempt cookie before any lookup, taking no attempt", async () => {
    const user = await makeUser();
    const { code } = await askFromLaptop(user.email, require_);
    const res = await postForm(`${PREFIX}/code`, { email: user.email, code, next: "/" }, { fetcher: require_ });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("only works in the browser that asked for the email");
    const [row] = await rows<{ attempts: number; consumed_at: number | null }>(
      "SELECT attempts, consumed_at FROM login_requests WHERE email = ?",
      user.email,
    );
    expect(row).toEqual({ attempts: 0, consumed_at: null });
  });

  it("refuses the right code from a browser whose cookie belongs to another sign-in, with the generic words", async () => {
    const user = await makeUser();
    const { cookie, code } = await askFromLaptop(user.email, require_);
    const other = await askFromLaptop((await makeUser()).email, require_);
    const res = await postForm(`${PREFIX}/code`, { email: user.email, code, next: "/" }, { fetcher: require_, cookie: other.cookie });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("That code did not work");
    const [event] = await rows<{ reason: string }>(
      "SELECT reason FROM auth_events WHERE event = 'code_failed' AND user_id = ? ORDER BY id DESC",
      user.id,
    );
    expect(event!.reason).toBe("other_browser");

    const mine = await postForm(`${PREFIX}/code`, { email: user.email, code, next: "/" }, { fetcher: require_, cookie });
    expect(mine.status).toBe(303);
  });
});
