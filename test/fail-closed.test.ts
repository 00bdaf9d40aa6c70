/**
 * The fail-closed promises of docs/security.md ("Failure modes") that each answered
 * differently before REVOKED had one reader: with KV or D1 failing, every path says 503 (or
 * refuses), never 500 and never a quiet success, and logs the failure without a session id
 * or token in clear. Faults are injected by handing the worker's own export failing
 * bindings (test/reliability/support/failing-bindings.ts), plus KV namespaces here that
 * fail only reads or only writes, as a partial outage does.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createUser } from "../src/users/store";
import { ADMIN_BASE, adminOk, createUserViaApi } from "./admin-client";
import {
  askForLink,
  db,
  latestMail,
  linkFields,
  linkPath,
  makeUser,
  PREFIX,
  postForm,
  rows,
  signInByLink,
  testConfig,
  uniqueEmail,
} from "./login-helpers";
import { failingD1, failingKv } from "./reliability/support/failing-bindings";
import { workerWithBindings } from "./reliability/support/fault-worker";
import { captureProductLogs } from "./reliability/support/figures";
import { createSession } from "./support/sessions";

const logs = captureProductLogs();

/** A KV namespace whose `failing` operations throw, as in a partial KV outage; the rest are real. */
function kvFailingOnly(failing: "get" | "put"): KVNamespace {
  return new Proxy(env.REVOKED, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === failing) {
        return async () => {
          throw new Error(`KV ${failing} failed: 503 Service Unavailable`);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

function sidOf(cookie: string): string {
  return JSON.parse(atob(cookie.split("=")[1]!.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))).sid as string;
}

function adminCall(fetcher: ReturnType<typeof workerWithBindings>, method: string, path: string, json: unknown): Promise<Response> {
  return fetcher(`${new URL(ADMIN_BASE).pathname}${path}`, {
    method,
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(json),
  });
}

describe("KV failing", () => {
  it("answers a sign-up link 503, on view and on redemption, and the link works once KV is back", async () => {
    const email = uniqueEmail("newcomer");
    const open = workerWithBindings({ SIGNUP: "open" });
    expect((await askForLink(email, { fetcher: open })).status).toBe(200);
    const { link } = await latestMail(email, open);
    const down = workerWithBindings({ SIGNUP: "open", REVOKED: failingKv(env.REVOKED).binding });

    const view = await down(linkPath(link), { headers: { Accept: "text/html" } });
    const redeem = await postForm(`${PREFIX}/link`, linkFields(link), { fetcher: down });
    expect([view.status, redeem.status]).toEqual([503, 503]);
    expect(await rows("SELECT id FROM users WHERE email = ?", email)).toEqual([]);
    expect((await postForm(`${PREFIX}/link`, linkFields(link), { fetcher: open })).status).toBe(303);
  });

  it("answers admin token revocation 503 when KV cannot take the write, and the token stays usable until revoked", async () => {
    const user = await createUserViaApi();
    const issued = await adminOk<{ token: string }>("POST", `/users/${user.id}/tokens`, 201, { json: { scope: "report", maxAge: 3600 } });
    const down = workerWithBindings({ REVOKED: kvFailingOnly("put") });

    const res = await adminCall(down, "POST", "/tokens/revoke", { token: issued.token });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: "unavailable" });
    expect(await adminOk("POST", "/tokens/revoke", 200, { json: { token: issued.token } })).toMatchObject({ revoked: true });
  });

  it("answers service token revocation 503 when KV cannot take the write, and leaves the row live", async () => {
    const user = await createUserViaApi();
    const issued = await adminOk<{ id: string }>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "ci" } });
    const down = workerWithBindings({ REVOKED: kvFailingOnly("put") });

    const res = await down(`${new URL(ADMIN_BASE).pathname}/service-tokens/${issued.id}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, Accept: "application/json" },
    });
    expect(res.status).toBe(503);
    expect(await rows("SELECT revoked_at FROM service_tokens WHERE id = ?", issued.id)).toEqual([{ revoked_at: null }]);
  });

  it("answers sign out everywhere 503 with the cookie cleared when the session cannot be checked, and ends this session", async () => {
    const user = await makeUser();
    const cookie = await signInByLink(user.email);
    const other = await signInByLink(user.email);
    const down = workerWithBindings({ REVOKED: kvFailingOnly("get") });

    const res = await postForm(`${PREFIX}/logout?everywhere=1`, {}, { fetcher: down, cookie });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("signed out in this browser");
    const cleared = res.headers.getSetCookie().find((h) => h.startsWith(`${cookie.split("=")[0]}=`));
    expect(cleared).toMatch(/Max-Age=0/);
    // This session ended; the other device was not signed out, which is why the answer says so.
    const ended = await rows<{ id: string }>("SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NOT NULL", user.id);
    expect(ended.map((r) => r.id)).toEqual([sidOf(cookie)]);
    expect(sidOf(other)).not.toBe(sidOf(cookie));
  });

  it("logs a session's KV failure as storage_unavailable, naming neither the session id nor the cookie", async () => {
    const cookie = await signInByLink((await makeUser()).email);
    const down = workerWithBindings({ REVOKED: failingKv(env.REVOKED).binding });
    logs.clear();

    expect((await down("/items/1", { headers: { Cookie: cookie, Accept: "application/json" } })).status).toBe(401);
    const line = logs.lines.find((l) => l.includes('"msg":"storage_unavailable"'));
    expect(line).toBeDefined();
    expect(JSON.parse(line!)).toMatchObject({ store: "kv", operation: "get", keyKind: "sess" });
    expect(logs.lines.filter((l) => l.includes(sidOf(cookie)) || l.includes(cookie.split("=")[1]!))).toEqual([]);
  });
});

describe("D1 failing at a session's re-check", () => {
  it("logs the failed query without its parameters: no session id", async () => {
    const config = testConfig();
    const issuedAt = Date.now() - (config.session.revalidateSeconds + 60) * 1000;
    const user = (await createUser(db(), { email: uniqueEmail() }, issuedAt - 1000))!;
    const { sessionId, setCookie } = await createSession(
      { config, db: db(), kv: env.REVOKED, now: issuedAt },
      { user, amr: "link", request: new Request("http://localhost:8787/") },
    );
    const down = workerWithBindings({ DB: failingD1(env.DB, "all").binding });
    logs.clear();

    const res = await down("/items/1", { headers: { Cookie: setCookie.split(";")[0]!, Accept: "application/json" } });
    expect(res.status).toBe(401);
    const line = logs.lines.find((l) => l.includes('"msg":"session_revalidation_failed"'));
    expect(line).toContain("Network connection lost");
    expect(logs.lines.filter((l) => l.includes(sessionId))).toEqual([]);
  });
});
