/**
 * A sign-in racing a security change (docs/security.md, "One-time use is atomic"): an admin
 * email change or "sign out everywhere" that lands between a redemption's check and its
 * consuming batch, or just after it, leaves no session that survives. The moment is placed
 * exactly by a D1 binding that runs the change before the redemption's batch reaches the
 * database (test/support/d1-hooks.ts); the redemption goes through the worker's own routes.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readSession } from "../src/sessions";
import { updateUser } from "../src/users/store";
import { adminOk } from "./admin-client";
import { workerWith } from "./gate-support";
import {
  askForLink,
  db,
  EDGE,
  latestMail,
  linkFields,
  makeUser,
  PREFIX,
  postForm,
  rows,
  sessionCookie,
  signInByLink,
  testConfig,
  uniqueEmail,
} from "./login-helpers";
import { d1WithBatchHook, d1WithStatementHook, once, writesSession } from "./support/d1-hooks";

/**
 * The worker, with `change` run just before the first D1 batch that writes a session: after
 * the check (whose own reads are a batch too), before the consumption.
 */
function workerChangingBeforeBatch(change: () => Promise<void>) {
  return workerWith({}, { DB: d1WithBatchHook(env.DB, once(change), { when: writesSession }) });
}

async function liveSessionsOf(userId: string): Promise<number> {
  return (await rows("SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL", userId)).length;
}

/** The session behind `cookie` as the gate sees it once its D1 re-check is due. */
async function atNextRevalidation(cookie: string) {
  const request = new Request(`${EDGE}/`, { headers: { Cookie: cookie } });
  const later = Date.now() + (testConfig().session.revalidateSeconds + 5) * 1000;
  return readSession(request, { config: testConfig(), db: db(), kv: env.REVOKED, now: later });
}

const changeEmail = (userId: string) => async () => {
  await adminOk("PATCH", `/users/${userId}`, 200, { json: { email: uniqueEmail("moved") } });
};

const signOutEverywhere = (cookie: string) => async () => {
  const res = await postForm(`${PREFIX}/logout?everywhere=1`, {}, { cookie });
  expect(res.status).toBe(303);
};

describe("a sign-in racing a security change", () => {
  it("writes no session when an admin changes the email between the link's check and its consumption", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email)).status).toBe(200);
    const fields = linkFields((await latestMail(user.email)).link);

    const res = await postForm(`${PREFIX}/link`, fields, { fetcher: workerChangingBeforeBatch(changeEmail(user.id)) });
    expect(res.status).toBe(400);
    expect(sessionCookie(res)).toBeNull();
    expect(await rows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toEqual([]);
    expect(await rows("SELECT last_login_at FROM users WHERE id = ?", user.id)).toEqual([{ last_login_at: null }]);
  });

  it("writes no session when an admin changes the email between the code's check and its consumption", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email)).status).toBe(200);
    const { code } = await latestMail(user.email);

    const res = await postForm(
      `${PREFIX}/code`,
      { email: user.email, code, next: "/" },
      { fetcher: workerChangingBeforeBatch(changeEmail(user.id)) },
    );
    expect(res.status).toBe(400);
    expect(sessionCookie(res)).toBeNull();
    expect(await rows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toEqual([]);
  });

  it("writes no session when sign out everywhere lands between the link's check and its consumption", async () => {
    const user = await makeUser();
    const other = await signInByLink(user.email);
    expect((await askForLink(user.email)).status).toBe(200);
    const fields = linkFields((await latestMail(user.email)).link);

    const res = await postForm(`${PREFIX}/link`, fields, { fetcher: workerChangingBeforeBatch(signOutEverywhere(other)) });
    expect(res.status).toBe(400);
    expect(sessionCookie(res)).toBeNull();
    expect(await liveSessionsOf(user.id)).toBe(0);
  });

  it("writes no session when sign out everywhere lands between the code's check and its consumption", async () => {
    const user = await makeUser();
    const other = await signInByLink(user.email);
    expect((await askForLink(user.email)).status).toBe(200);
    const { code } = await latestMail(user.email);

    const res = await postForm(
      `${PREFIX}/code`,
      { email: user.email, code, next: "/" },
      { fetcher: workerChangingBeforeBatch(signOutEverywhere(other)) },
    );
    expect(res.status).toBe(400);
    expect(sessionCookie(res)).toBeNull();
    expect(await liveSessionsOf(user.id)).toBe(0);
  });

  it("ends a session committed in the middle of sign out everywhere, whichever step it lands before", async () => {
    const steps = {
      "the new stamp": /^update "users" set .*"security_stamp" = /i,
      "ending the sessions": /^update "sessions" set "revoked_at"/i,
    };
    for (const [step, sql] of Object.entries(steps)) {
      const user = await makeUser();
      const other = await signInByLink(user.email);
      expect((await askForLink(user.email)).status).toBe(200);
      const fields = linkFields((await latestMail(user.email)).link);
      let redeemed: Response | null = null;
      const redeemFirst = once(async () => {
        redeemed = await postForm(`${PREFIX}/link`, fields);
      });
      const logoutWorker = workerWith({}, { DB: d1WithStatementHook(env.DB, (text) => sql.test(text), redeemFirst) });

      expect((await postForm(`${PREFIX}/logout?everywhere=1`, {}, { cookie: other, fetcher: logoutWorker })).status).toBe(303);
      expect(redeemed, step).not.toBeNull();
      expect([step, await liveSessionsOf(user.id)]).toEqual([step, 0]);
    }
  });

  it("refuses at its re-check a session committed just before an email change whose clock was read earlier", async () => {
    const user = await makeUser();
    const cookie = await signInByLink(user.email);
    const [session] = await rows<{ created_at: number }>("SELECT created_at FROM sessions WHERE user_id = ?", user.id);
    // The admin request read its clock before the sign-in began, and wrote after it committed.
    await updateUser(db(), user.id, { email: uniqueEmail("moved") }, session!.created_at - 1000);

    expect(await atNextRevalidation(cookie)).toEqual({ ok: false, reason: "revoked" });
  });

  it("leaves no surviving session from redemptions racing admin email changes, in any order", async () => {
    const outcomes: string[] = [];
    for (let round = 0; round < 12; round++) {
      const user = await makeUser();
      expect((await askForLink(user.email)).status).toBe(200);
      const fields = linkFields((await latestMail(user.email)).link);
      const [redeemed] = await Promise.all([postForm(`${PREFIX}/link`, fields), changeEmail(user.id)()]);
      const cookie = sessionCookie(redeemed);
      if (!cookie) {
        outcomes.push("no session");
        continue;
      }
      const check = await atNextRevalidation(cookie);
      outcomes.push(check.ok ? "survived" : `refused: ${check.reason}`);
    }
    expect(outcomes.filter((o) => o === "survived")).toEqual([]);
  });
});
