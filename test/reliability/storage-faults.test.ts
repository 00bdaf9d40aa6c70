/**
 * D1 and KV failing, injected by handing the worker's default export an env whose DB or
 * REVOKED binding fails on demand (support/failing-bindings.ts). Expected: sign-in answers
 * 503 with a clear page and writes nothing; an established session keeps working on the
 * hot path (which asks D1 nothing) until its revalidation is due, then fails closed; a
 * revocation that cannot be read never counts as "not revoked"; everything comes back when
 * the storage does. Rows are checked afterwards through the real binding.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { d1OutageOf } from "../../src/db/errors";
import { REVOCATION_RECHECK_SECONDS } from "../../src/kv/revocations";
import { createUser } from "../../src/users/store";
import { adminOk, createUserViaApi } from "../admin-client";
import { cookieFrom, userWithServiceToken } from "../gate-support";
import {
  askForLink,
  db,
  type Fetcher,
  latestMail,
  linkFields,
  makeUser,
  PREFIX,
  postForm,
  reloadUser,
  rows,
  sessionCookie,
  signInByLink,
  testConfig,
  uniqueEmail,
} from "../login-helpers";
import { createSession } from "../support/sessions";
import { failingD1, failingKv } from "./support/failing-bindings";
import { workerWithBindings } from "./support/fault-worker";
import { captureProductLogs, reportFigures } from "./support/figures";

const logs = captureProductLogs();
const JSON_ACCEPT = { Accept: "application/json" };

function gateGet(fetcher: Fetcher, path: string, headers: Record<string, string>): Promise<Response> {
  return fetcher(path, { headers });
}

/** A session whose cookie is due for its D1 re-check (issued SESSION_REVALIDATE + 60 s ago). */
async function sessionDueForRevalidation(): Promise<string> {
  const config = testConfig();
  const issuedAt = Date.now() - (config.session.revalidateSeconds + 60) * 1000;
  // The account is older than the session: a state change after sign-in would revoke it.
  const user = (await createUser(db(), { email: uniqueEmail() }, issuedAt - 1000))!;
  const request = new Request("http://localhost:8787/", { headers: { "CF-Connecting-IP": "10.0.0.1" } });
  const { setCookie } = await createSession({ config, db: db(), kv: env.REVOKED, now: issuedAt }, { user, amr: "link", request });
  return setCookie.split(";")[0]!;
}

async function countRows(sql: string, ...params: unknown[]): Promise<number> {
  return (await rows(sql, ...params)).length;
}

describe("D1 unreachable", () => {
  it("answers POST /login with a clear 503 page (JSON for API clients) and writes nothing", async () => {
    for (const mode of ["all", "writes"] as const) {
      const d1 = failingD1(env.DB, mode);
      const worker = workerWithBindings({ DB: d1.binding });
      const user = await makeUser();
      logs.clear();

      const page = await askForLink(user.email, { fetcher: worker });
      const html = await page.text();
      expect(page.status).toBe(503);
      expect(page.headers.get("Cache-Control")).toContain("no-store");
      expect(html).toContain("Temporarily unavailable");
      expect(html).toContain("The service is temporarily unavailable. Please try again shortly.");
      expect(html).toContain(`href="${PREFIX}/login"`);

      const api = await postForm(
        `${PREFIX}/login`,
        { email: user.email },
        { fetcher: worker, headers: { Origin: "http://localhost:8787", ...JSON_ACCEPT } },
      );
      expect(api.status).toBe(503);
      expect(await api.json()).toEqual({
        error: "unavailable",
        message: "The service is temporarily unavailable. Please try again shortly.",
      });

      expect(d1.refused.length).toBeGreaterThan(0);
      expect(await countRows("SELECT id FROM login_requests WHERE email = ?", user.email)).toBe(0);
      expect(await countRows("SELECT id FROM dev_messages WHERE to_address = ?", user.email)).toBe(0);
      expect(await countRows("SELECT id FROM auth_events WHERE user_id = ?", user.id)).toBe(0);
      expect(logs.lines.filter((l) => l.includes('"msg":"storage_unavailable"')).length).toBeGreaterThan(0);
      expect(logs.lines.some((l) => l.includes("unhandled_error") || l.includes(user.email))).toBe(false);
      reportFigures(`d1 ${mode} login`, { html: page.status, json: api.status, rowsWritten: 0 });
    }
  });

  it("keeps an established session working with no D1 query until its revalidation is due", async () => {
    const cookie = await signInByLink((await makeUser()).email);
    const d1 = failingD1(env.DB, "all");
    const worker = workerWithBindings({ DB: d1.binding });

    const answers = [];
    for (let i = 0; i < 20; i++) answers.push((await gateGet(worker, `/items/${i}`, { Cookie: cookie, ...JSON_ACCEPT })).status);
    const meNow = await worker(`${PREFIX}/me`, { headers: { Cookie: cookie } });

    expect(answers).toEqual(Array(20).fill(200));
    expect(meNow.status).toBe(200);
    expect(d1.refused).toEqual([]);
    reportFigures("d1 all, fresh session", { gate200: answers.length, d1Queries: d1.refused.length });
  });

  it("fails closed for a session due for revalidation, and slides it again once D1 is back", async () => {
    const cookie = await sessionDueForRevalidation();
    const d1 = failingD1(env.DB, "all");
    const worker = workerWithBindings({ DB: d1.binding });

    const api = await gateGet(worker, "/items/1", { Cookie: cookie, ...JSON_ACCEPT });
    const browser = await gateGet(worker, "/items/1", { Cookie: cookie, Accept: "text/html" });
    const identity = await worker(`${PREFIX}/me`, { headers: { Cookie: cookie } });
    expect(api.status).toBe(401);
    expect(api.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(browser.status).toBe(302);
    expect(browser.headers.get("Location")).toBe(`${PREFIX}/login?next=%2Fitems%2F1`);
    // /me tells a front end "try again" rather than "signed out".
    expect(identity.status).toBe(503);

    d1.setMode("none");
    const recovered = await gateGet(worker, "/items/1", { Cookie: cookie, ...JSON_ACCEPT });
    expect(recovered.status).toBe(200);
    expect(sessionCookie(recovered)).not.toBeNull();
    reportFigures("d1 all, session due", {
      api: api.status,
      browser: browser.status,
      me: identity.status,
      afterRecovery: recovered.status,
    });
  });

  it("answers POST /link 503 while D1 refuses writes without consuming the link, which then works", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email)).status).toBe(200);
    const fields = linkFields((await latestMail(user.email)).link);
    const d1 = failingD1(env.DB, "writes");
    const worker = workerWithBindings({ DB: d1.binding });

    const refused = await postForm(`${PREFIX}/link`, fields, { fetcher: worker });
    expect(refused.status).toBe(503);
    expect(sessionCookie(refused)).toBeNull();
    expect((await reloadUser(user.email)).lastLoginAt).toBeNull();
    expect(await countRows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toBe(0);

    d1.setMode("none");
    const redeemed = await postForm(`${PREFIX}/link`, fields, { fetcher: worker });
    expect(redeemed.status).toBe(303);
    expect(await countRows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toBe(1);
  });

  it("answers POST /code 503 while D1 refuses writes without counting an attempt, and the code then works", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email)).status).toBe(200);
    const { code } = await latestMail(user.email);
    const d1 = failingD1(env.DB, "writes");
    const worker = workerWithBindings({ DB: d1.binding });

    const refused = await postForm(`${PREFIX}/code`, { email: user.email, code, next: "/" }, { fetcher: worker });
    expect(refused.status).toBe(503);
    const [request] = await rows<{ attempts: number; consumed_at: number | null }>(
      "SELECT attempts, consumed_at FROM login_requests WHERE email = ?",
      user.email,
    );
    expect(request).toEqual({ attempts: 0, consumed_at: null });

    d1.setMode("none");
    expect((await postForm(`${PREFIX}/code`, { email: user.email, code, next: "/" }, { fetcher: worker })).status).toBe(303);
  });

  it("gives no session and spends nothing when the session row cannot be written: 503, and the same link then works", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email)).status).toBe(200);
    const fields = linkFields((await latestMail(user.email)).link);
    const d1 = failingD1(env.DB, (sql) => /^insert into "sessions"/i.test(sql));
    const worker = workerWithBindings({ DB: d1.binding });

    const res = await postForm(`${PREFIX}/link`, fields, { fetcher: worker });
    expect(res.status).toBe(503);
    expect(sessionCookie(res)).toBeNull();
    expect(await countRows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toBe(0);
    // The session row is written in the batch that consumes the link: it failed whole.
    expect((await reloadUser(user.email)).lastLoginAt).toBeNull();
    d1.setMode("none");
    const redeemed = await postForm(`${PREFIX}/link`, fields, { fetcher: worker });
    expect(redeemed.status).toBe(303);
    expect(sessionCookie(redeemed)).toMatch(/^sesame=/);
  });

  it("refuses a service token D1 cannot confirm (401), while one confirmed recently keeps working from memory", async () => {
    const remembered = await userWithServiceToken("remembered");
    const unconfirmed = await userWithServiceToken("unconfirmed");
    const d1 = failingD1(env.DB, "none");
    const worker = workerWithBindings({ DB: d1.binding });
    const bearer = (token: string) => ({ Authorization: `Bearer ${token}`, ...JSON_ACCEPT });
    expect((await gateGet(worker, "/api/x", bearer(remembered.token))).status).toBe(200);

    d1.setMode("all");
    const fromMemory = await gateGet(worker, "/api/x", bearer(remembered.token));
    const refused = await gateGet(worker, "/api/x", bearer(unconfirmed.token));
    expect(fromMemory.status).toBe(200);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
    reportFigures("d1 all, service tokens", { remembered: fromMemory.status, unconfirmed: refused.status });
  });

  it("answers the admin API 503 (JSON) while D1 is down", async () => {
    const worker = workerWithBindings({ DB: failingD1(env.DB, "all").binding });
    const res = await worker(`${PREFIX}/admin/api/users`, { headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: "unavailable" });
  });

  it("keeps answering what needs no D1: health and public paths", async () => {
    const worker = workerWithBindings({ DB: failingD1(env.DB, "all").binding });
    expect((await worker(`${PREFIX}/health`)).status).toBe(200);
    expect((await worker("/healthz")).status).toBe(200);
  });
});

describe("D1 failing only at the read of a user's groups", () => {
  // Memberships are read at sign-in, at each re-check and when a token is verified (docs/access.md, "Groups").
  const groupsRead = (sql: string) => /from "group_members"/i.test(sql);

  it("fails a session's re-check closed as unavailable (503 from /me), never as signed out", async () => {
    const cookie = await sessionDueForRevalidation();
    const d1 = failingD1(env.DB, groupsRead);
    const worker = workerWithBindings({ DB: d1.binding });
    logs.clear();
    const identity = await worker(`${PREFIX}/me`, { headers: { Cookie: cookie } });
    expect(identity.status).toBe(503);
    expect((await gateGet(worker, "/items/1", { Cookie: cookie, ...JSON_ACCEPT })).status).toBe(401);
    expect(d1.refused.length).toBeGreaterThan(0);
    expect(logs.lines.some((l) => l.includes('"msg":"session_revalidation_failed"'))).toBe(true);
  });

  it("refuses a service token it cannot confirm (401), logged as unavailable", async () => {
    const { token } = await userWithServiceToken("groups-unread");
    const worker = workerWithBindings({ DB: failingD1(env.DB, groupsRead).binding });
    logs.clear();
    const res = await gateGet(worker, "/api/x", { Authorization: `Bearer ${token}`, ...JSON_ACCEPT });
    expect(res.status).toBe(401);
    const rejections = logs.lines.filter((l) => l.includes('"msg":"gate_token_rejected"')).map((l) => JSON.parse(l).reason);
    expect(rejections).toEqual(["unavailable"]);
  });

  it("answers a sign-in 503 and writes nothing: the groups are read in the batch that signs in, and the same link then works", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email)).status).toBe(200);
    const fields = linkFields((await latestMail(user.email)).link);
    const d1 = failingD1(env.DB, groupsRead);
    const worker = workerWithBindings({ DB: d1.binding });
    const res = await postForm(`${PREFIX}/link`, fields, { fetcher: worker });
    expect(res.status).toBe(503);
    expect(sessionCookie(res)).toBeNull();
    expect(await countRows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toBe(0);
    d1.setMode("none");
    const redeemed = await postForm(`${PREFIX}/link`, fields, { fetcher: worker });
    expect(redeemed.status).toBe(303);
    expect(sessionCookie(redeemed)).toMatch(/^sesame=/);
  });
});

describe("telling a D1 outage from a bug", () => {
  it("finds D1's outage errors, also under drizzle's wrapper, and leaves SQL errors to be 500s", () => {
    const outages = [
      "D1_ERROR: Network connection lost.",
      "D1 DB is overloaded. Requests queued for too long.",
      "D1 DB storage operation exceeded timeout which caused object to be reset.",
    ];
    for (const message of outages) {
      const d1 = new Error(message);
      expect(d1OutageOf(d1)).toBe(d1);
      expect(d1OutageOf(new Error("Failed query: select 1\nparams: ", { cause: d1 }))).toBe(d1);
    }
    for (const message of [
      "D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT",
      "D1_ERROR: no such table: users: SQLITE_ERROR",
      "D1_TYPE_ERROR: Type 'undefined' not supported for value 'undefined'",
      "Cannot read properties of undefined (reading 'id')",
    ]) {
      expect(d1OutageOf(new Error("Failed query: x", { cause: new Error(message) }))).toBeNull();
    }
  });
});

describe("KV failing", () => {
  it("fails closed for sessions: 401 for API clients, sign-in for browsers, 401 from forward-auth", async () => {
    const cookie = await signInByLink((await makeUser()).email);
    const kv = failingKv(env.REVOKED);
    const worker = workerWithBindings({ REVOKED: kv.binding });

    const api = await gateGet(worker, "/items/1", { Cookie: cookie, ...JSON_ACCEPT });
    const browser = await gateGet(worker, "/items/1", { Cookie: cookie, Accept: "text/html" });
    const verify = await gateGet(worker, `${PREFIX}/verify`, { Cookie: cookie });
    const identity = await worker(`${PREFIX}/me`, { headers: { Cookie: cookie } });
    expect(api.status).toBe(401);
    expect(browser.status).toBe(302);
    expect(verify.status).toBe(401);
    expect(identity.status).toBe(503);

    kv.setFailing(false);
    expect((await gateGet(worker, "/items/1", { Cookie: cookie, ...JSON_ACCEPT })).status).toBe(200);
    reportFigures("kv failing, session", {
      api: api.status,
      browser: browser.status,
      verify: verify.status,
      me: identity.status,
      kvRefused: kv.refusedCount(),
    });
  });

  it("fails closed for service tokens, remembered or not, and for share links (401)", async () => {
    const { token } = await userWithServiceToken("kv");
    const kv = failingKv(env.REVOKED, false);
    const worker = workerWithBindings({ REVOKED: kv.binding });
    const bearer = { Authorization: `Bearer ${token}`, ...JSON_ACCEPT };
    expect((await gateGet(worker, "/api/x", bearer)).status).toBe(200);
    const owner = await createUserViaApi();
    const share = await adminOk<{ token: string }>("POST", `/users/${owner.id}/share-links`, 201, { json: { path: "/reports/42" } });
    // Share links authorise GET and HEAD only: the link is opened into its cookie, which is then presented.
    const shareCookie = cookieFrom((await worker(`/reports/42?sesame=${share.token}`)).headers.getSetCookie()[0]!);
    expect((await gateGet(worker, "/reports/42", { Cookie: shareCookie, ...JSON_ACCEPT })).status).toBe(200);

    kv.setFailing(true);
    // A "not revoked" read moments ago is trusted for REVOCATION_RECHECK_SECONDS (docs/security.md); once
    // that has passed, the gate must ask KV again, and refuses what it cannot check.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + REVOCATION_RECHECK_SECONDS * 1000 });
    let service: Response;
    let shared: Response;
    try {
      service = await gateGet(worker, "/api/x", bearer);
      shared = await gateGet(worker, "/reports/42", { Cookie: shareCookie, ...JSON_ACCEPT });
    } finally {
      vi.useRealTimers();
    }
    expect(service.status).toBe(401);
    expect(shared.status).toBe(401);

    kv.setFailing(false);
    expect((await gateGet(worker, "/api/x", bearer)).status).toBe(200);
    reportFigures("kv failing, tokens", { serviceToken: service.status, shareLink: shared.status });
  });

  it("still clears the cookie on logout, says the server side did not finish, and the D1 mark ends the session at its re-check", async () => {
    const cookie = await signInByLink((await makeUser()).email);
    const kv = failingKv(env.REVOKED);
    const worker = workerWithBindings({ REVOKED: kv.binding });

    const res = await postForm(`${PREFIX}/logout`, {}, { fetcher: worker, cookie });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("signed out in this browser");
    const cleared = res.headers.getSetCookie().find((h) => h.startsWith(`${cookie.split("=")[0]!}=`));
    expect(cleared).toMatch(/Max-Age=0|Expires=Thu, 01 Jan 1970/);
    const sid = JSON.parse(atob(cookie.split("=")[1]!.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid as string;
    expect(await rows("SELECT revoked_at FROM sessions WHERE id = ? AND revoked_at IS NOT NULL", sid)).toHaveLength(1);
  });

  it("answers POST /link 503 without consuming the link, which works once KV is back", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email)).status).toBe(200);
    const fields = linkFields((await latestMail(user.email)).link);
    const kv = failingKv(env.REVOKED);
    const worker = workerWithBindings({ REVOKED: kv.binding });

    const refused = await postForm(`${PREFIX}/link`, fields, { fetcher: worker });
    expect(refused.status).toBe(503);
    expect(sessionCookie(refused)).toBeNull();
    expect((await reloadUser(user.email)).lastLoginAt).toBeNull();

    kv.setFailing(false);
    expect((await postForm(`${PREFIX}/link`, fields, { fetcher: worker })).status).toBe(303);
    reportFigures("kv failing, link", { redeem: refused.status, afterRecovery: 303 });
  });
});
