/**
 * How fast a revocation is refused (docs/security.md, "How fast a revocation is refused"):
 * the gate asks REVOKED through a per-isolate memo (src/kv/revocations.ts), so a credential
 * in steady use costs no KV read; a revocation written by another isolate (here: a write
 * straight into the namespace, which is all this isolate sees of one) is refused once
 * REVOCATION_RECHECK_SECONDS have passed, never later; one this isolate wrote is refused on
 * the next request, on any host; a revoked answer is kept until the credential expires.
 * The clock is the `now` the session and token functions take.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AppDefinition, PolicyDefinition } from "../src/access/types";
import { authenticateServiceToken } from "../src/gate/token-auth";
import { revokedSessionKey, revokedTokenKey, revokedUserTokensKey } from "../src/kv/keys";
import { REVOCATION_RECHECK_SECONDS } from "../src/kv/revocations";
import { readSession, revokeSession } from "../src/sessions";
import { hashToken } from "../src/tokens";
import { countingKV, deps, userWithServiceToken, userWithSession } from "./gate-support";
import { failingKv } from "./reliability/support/failing-bindings";
import { Browser, edgeAt } from "./support/browser";

const RECHECK_MS = REVOCATION_RECHECK_SECONDS * 1000;
const withCookie = (cookie: string) => new Request("http://localhost:8787/x", { headers: { Cookie: cookie } });

/** What another isolate's revocation looks like from here: the key appears in KV, this isolate wrote nothing. */
const revokedElsewhere = (key: string, value = "1") => env.REVOKED.put(key, value, { expirationTtl: 3600 });

describe("a session cookie at the gate", () => {
  it("costs one KV read, then none while the answer is recent", async () => {
    const { cookie } = await userWithSession();
    const kv = countingKV(env.REVOKED);
    const t0 = Date.now();
    for (const at of [t0, t0 + 1, t0 + 2_000, t0 + RECHECK_MS - 1]) {
      expect(await readSession(withCookie(cookie), { ...deps(), kv: kv.binding, now: at })).toMatchObject({ ok: true });
    }
    expect(kv.count()).toBe(1);
    expect(await readSession(withCookie(cookie), { ...deps(), kv: kv.binding, now: t0 + RECHECK_MS })).toMatchObject({ ok: true });
    expect(kv.count()).toBe(2);
  });

  it(`is refused once ${REVOCATION_RECHECK_SECONDS} s have passed after another isolate revoked it, and not before`, async () => {
    const { cookie, sessionId } = await userWithSession();
    const t0 = Date.now();
    expect(await readSession(withCookie(cookie), { ...deps(), now: t0 })).toMatchObject({ ok: true });
    await revokedElsewhere(revokedSessionKey(sessionId));
    expect(await readSession(withCookie(cookie), { ...deps(), now: t0 + RECHECK_MS - 1 })).toMatchObject({ ok: true });
    expect(await readSession(withCookie(cookie), { ...deps(), now: t0 + RECHECK_MS })).toEqual({ ok: false, reason: "revoked" });
  });

  it("stays refused without another KV read until it expires", async () => {
    const { cookie, sessionId } = await userWithSession();
    await revokedElsewhere(revokedSessionKey(sessionId));
    const kv = countingKV(env.REVOKED);
    const t0 = Date.now();
    for (const at of [t0, t0 + RECHECK_MS, t0 + 3_600_000]) {
      expect(await readSession(withCookie(cookie), { ...deps(), kv: kv.binding, now: at })).toEqual({ ok: false, reason: "revoked" });
    }
    expect(kv.count()).toBe(1);
  });

  it("is refused while KV cannot answer once its last answer is older than the recheck time (fail closed)", async () => {
    const { cookie } = await userWithSession();
    const kv = failingKv(env.REVOKED, false);
    const t0 = Date.now();
    expect(await readSession(withCookie(cookie), { ...deps(), kv: kv.binding, now: t0 })).toMatchObject({ ok: true });
    kv.setFailing(true);
    expect(await readSession(withCookie(cookie), { ...deps(), kv: kv.binding, now: t0 + RECHECK_MS - 1 })).toMatchObject({ ok: true });
    expect(await readSession(withCookie(cookie), { ...deps(), kv: kv.binding, now: t0 + RECHECK_MS })).toEqual({
      ok: false,
      reason: "unavailable",
    });
  });
});

describe("a remembered service token at the gate", () => {
  async function rememberedToken() {
    const issued = await userWithServiceToken();
    const t0 = Date.now();
    const use = (at: number, kv: KVNamespace = env.REVOKED) => authenticateServiceToken({ ...deps(), kv, now: at }, issued.token);
    expect(await use(t0)).not.toBeNull();
    return { ...issued, t0, use, hash: await hashToken(issued.token) };
  }

  it("costs one KV read for its revocations, then none while the answer is recent", async () => {
    const { t0, use } = await rememberedToken();
    const kv = countingKV(env.REVOKED);
    for (const at of [t0 + 1, t0 + 2, t0 + RECHECK_MS]) expect(await use(at, kv.binding)).not.toBeNull();
    expect(kv.count()).toBe(1);
  });

  for (const [what, key] of [
    ["the token", (t: { hash: string }) => revokedTokenKey(t.hash)],
    ["every token of its user", (t: { user: { id: string } }) => revokedUserTokensKey(t.user.id)],
  ] as const) {
    it(`is refused once ${REVOCATION_RECHECK_SECONDS} s have passed after another isolate revoked ${what}, and not before`, async () => {
      const token = await rememberedToken();
      expect(await token.use(token.t0 + 1)).not.toBeNull();
      await revokedElsewhere(key(token), String(Date.now()));
      expect(await token.use(token.t0 + 1 + RECHECK_MS - 1)).not.toBeNull();
      expect(await token.use(token.t0 + 1 + RECHECK_MS)).toBeNull();
    });
  }
});

describe("a revocation this isolate wrote", () => {
  const everyone: PolicyDefinition = { name: "everyone", path: "/*", action: "allow", include: [{ everyone: true }] };
  const apps: AppDefinition[] = [
    { name: "wiki", hosts: ["wiki.example.com"], origin: env.ORIGIN_URL, policies: [everyone] },
    { name: "tools", hosts: ["tools.example.org"], origin: env.ORIGIN_URL, policies: [everyone] },
  ];
  const edge = edgeAt({ APPS: JSON.stringify(apps) });

  it("refuses the session on another app at the next request: sign-out on one app, then a request on the other", async () => {
    const { cookie } = await userWithSession();
    const browser = new Browser(edge);
    const [name, value] = cookie.split("=") as [string, string];
    browser.setCookie("localhost", name, value);
    expect((await browser.follow("http://wiki.example.com/page")).res.status).toBe(200);
    expect((await browser.follow("http://tools.example.org/page")).res.status).toBe(200);
    // Served a moment ago, so this isolate holds a recent "not revoked" for the session.
    expect((await browser.open("http://tools.example.org/page")).status).toBe(200);

    const out = await browser.open("http://wiki.example.com/.sesame/logout", {
      method: "POST",
      headers: { Origin: "http://wiki.example.com" },
    });
    expect(out.status).toBe(303);
    const tools = await browser.open("http://tools.example.org/page");
    expect(tools.status).toBe(302);
    expect(new URL(tools.headers.get("Location")!).pathname).toBe("/.sesame/sso");
  });

  it("is not undone by a read that started before the write and answered after it", async () => {
    const { cookie, sessionId } = await userWithSession();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A KV read that reaches KV before the revocation and comes back after it.
    const slowKv = new Proxy(env.REVOKED, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property !== "get") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<KVNamespace["get"]>) => {
          const answer = await target.get(...args);
          await held;
          return answer;
        };
      },
    });
    const t0 = Date.now() - 1_000;
    const inFlight = readSession(withCookie(cookie), { ...deps(), kv: slowKv, now: t0 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await revokeSession(deps(), sessionId)).toBe(true);
    release();
    expect(await inFlight).toMatchObject({ ok: true });
    expect(await readSession(withCookie(cookie), { ...deps(), now: t0 + 1 })).toEqual({ ok: false, reason: "revoked" });
  });

  it("refuses a remembered service token at the next request after the admin API revoked it", async () => {
    const { id, token } = await userWithServiceToken();
    const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    const gateFetch = (path: string, init?: RequestInit) => edge(`http://wiki.example.com${path}`, init);
    expect([(await gateFetch("/api", { headers })).status, (await gateFetch("/api", { headers })).status]).toEqual([200, 200]);
    const res = await edge(`http://localhost:8787/.sesame/admin/api/service-tokens/${id}`, {
      method: "DELETE",
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(204);
    expect((await gateFetch("/api", { headers })).status).toBe(401);
  });
});
