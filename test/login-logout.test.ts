import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { revokedSessionKey } from "../src/kv/keys";
import {
  askForLink,
  getPage,
  latestMail,
  linkFields,
  makeUser,
  me,
  PREFIX,
  postForm,
  reloadUser,
  rows,
  signInByLink,
} from "./login-helpers";

async function sessionIdOf(cookie: string): Promise<string> {
  return ((await (await me(cookie)).json()) as { sessionId: string }).sessionId;
}

describe("logout", () => {
  it("ends this session at once: cookie cleared, /me refuses the old cookie, row and KV marked", async () => {
    const user = await makeUser();
    const cookie = await signInByLink(user.email);
    const sessionId = await sessionIdOf(cookie);

    const res = await postForm(`${PREFIX}/logout`, {}, { cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`${PREFIX}/logout`);
    expect(res.headers.getSetCookie()).toContain("sesame=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");

    expect((await me(cookie)).status).toBe(401);
    const [row] = await rows<{ revoked_at: number | null }>("SELECT revoked_at FROM sessions WHERE id = ?", sessionId);
    expect(row!.revoked_at).not.toBeNull();
    expect(await env.REVOKED.get(revokedSessionKey(sessionId))).not.toBeNull();
    const events = await rows<{ event: string }>("SELECT event FROM auth_events WHERE user_id = ? AND event = 'logout'", user.id);
    expect(events).toHaveLength(1);
  });

  it("leaves the user's other sessions alone", async () => {
    const user = await makeUser();
    const laptop = await signInByLink(user.email);
    const phone = await signInByLink(user.email);
    await postForm(`${PREFIX}/logout`, {}, { cookie: laptop });
    expect((await me(laptop)).status).toBe(401);
    expect((await me(phone)).status).toBe(200);
  });

  it("answers a logout without a session with the same redirect and a cleared cookie", async () => {
    const res = await postForm(`${PREFIX}/logout`, {});
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie()[0]).toContain("Max-Age=0");
  });

  it("never signs out on GET: it shows a confirmation form instead", async () => {
    const user = await makeUser();
    const cookie = await signInByLink(user.email);
    const page = await getPage(`${PREFIX}/logout`, { cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`You are signed in as <strong>${user.email}</strong>`);
    expect(html).toContain(`<form method="post" action="${PREFIX}/logout">`);
    expect(html).toContain(`action="${PREFIX}/logout?everywhere=1"`);
    expect((await me(cookie)).status).toBe(200);
  });

  it("shows the signed-out page on GET without a session", async () => {
    const page = await getPage(`${PREFIX}/logout`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("You are signed out");
  });
});

describe("logout everywhere", () => {
  it("ends every session of the user at once and kills outstanding links and codes", async () => {
    const user = await makeUser();
    const laptop = await signInByLink(user.email);
    const phone = await signInByLink(user.email);
    const bystander = await signInByLink((await makeUser()).email);
    await askForLink(user.email);
    const pending = await latestMail(user.email);
    const stampBefore = (await reloadUser(user.email)).securityStamp;

    const res = await postForm(`${PREFIX}/logout?everywhere=1`, {}, { cookie: phone });
    expect(res.status).toBe(303);
    expect((await me(laptop)).status).toBe(401);
    expect((await me(phone)).status).toBe(401);
    expect((await me(bystander)).status).toBe(200);
    expect((await reloadUser(user.email)).securityStamp).not.toBe(stampBefore);

    expect((await postForm(`${PREFIX}/link`, linkFields(pending.link))).status).toBe(400);
    expect((await postForm(`${PREFIX}/code`, { email: user.email, code: pending.code, next: "/" })).status).toBe(400);
    const [event] = await rows<{ detail: string }>(
      "SELECT detail FROM auth_events WHERE user_id = ? AND event = 'logout_everywhere'",
      user.id,
    );
    expect(JSON.parse(event!.detail)).toMatchObject({ sessionsEnded: 2 });
  });

  it("lets the user sign in again afterwards", async () => {
    const user = await makeUser();
    const first = await signInByLink(user.email);
    await postForm(`${PREFIX}/logout?everywhere=1`, {}, { cookie: first });
    const again = await signInByLink(user.email);
    expect((await me(again)).status).toBe(200);
  });

  it("cannot be triggered by a session that is already revoked", async () => {
    const user = await makeUser();
    const old = await signInByLink(user.email);
    await postForm(`${PREFIX}/logout`, {}, { cookie: old });
    const current = await signInByLink(user.email);
    await postForm(`${PREFIX}/logout?everywhere=1`, {}, { cookie: old });
    expect((await me(current)).status).toBe(200);
  });
});
