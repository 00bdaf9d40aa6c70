/**
 * How fast a revocation is refused (docs/security.md, "How fast a revocation is refused"):
 * the gate asks REVOKED through a per-isolate memo (src/kv/revocations.ts), so a credential
 * in steady use costs no KV read of its own key. A revocation written by another isolate
 * (here: its key and its shard's generation stamp written straight into the namespace,
 * which is all this isolate sees of one) is refused within REVOCATION_RECHECK_SECONDS of
 * the stamp, never later; one whose stamp never came within QUIET_TRUST_SECONDS of the last
 * read; one this isolate wrote on the next request, on any host; a revoked answer is kept
 * until the credential expires. The clock is the `now` the session and token functions take:
 * each test starts 100 s ahead of the real clock, so the stamps other tests wrote are long
 * settled, and stays within SESSION_REVALIDATE, so no session is re-checked in D1.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AppDefinition, PolicyDefinition } from "../src/access/types";
import { authenticateServiceToken } from "../src/gate/token-auth";
import { SETTLE_SECONDS, shardOf } from "../src/kv/generations";
import { generationKey, revokedSessionKey, revokedTokenKey, revokedUserTokensKey } from "../src/kv/keys";
import { QUIET_TRUST_SECONDS, REVOCATION_RECHECK_SECONDS } from "../src/kv/revocations";
import { readSession, revokeSession } from "../src/sessions";
import { hashToken } from "../src/tokens";
import { countingKV, deps, userWithServiceToken, userWithSession } from "./gate-support";
import { failingKv } from "./reliability/support/failing-bindings";
import { Browser, edgeAt } from "./support/browser";
import { freshMoment } from "./support/revocation-clock";

const RECHECK_MS = REVOCATION_RECHECK_SECONDS * 1000;
const QUIET_MS = QUIET_TRUST_SECONDS * 1000;
const SETTLE_MS = SETTLE_SECONDS * 1000;
const withCookie = (cookie: string) => new Request("http://localhost:8787/x", { headers: { Cookie: cookie } });

/** Another isolate's stamp on `key`'s shard, as src/kv/generations.ts writes it. */
const stampedElsewhere = (key: string, at: number) => env.REVOKED.put(generationKey(shardOf(key)), String(at), { expirationTtl: 3600 });
/** What another isolate's revocation looks like from here: the key, then its shard's stamp. */
async function revokedElsewhere(key: string, at: number, value = "1") {
  await env.REVOKED.put(key, value, { expirationTtl: 3600 });
  await stampedElsewhere(key, at);
}
/** A revocation whose stamp never came (written by a version before generations, or lost). */
const revokedWithoutStamp = (key: string, value = "1") => env.REVOKED.put(key, value, { expirationTtl: 3600 });

describe("a session cookie at the gate", () => {
  async function session() {
    const { cookie, sessionId } = await userWithSession();
    const t0 = freshMoment();
    const read = (at: number, kv: KVNamespace = env.REVOKED) => readSession(withCookie(cookie), { ...deps(), kv, now: at });
    return { cookie, sessionId, key: revokedSessionKey(sessionId), t0, read };
  }

  it("costs one KV read, then none while the answer is recent", async () => {
    const { t0, read } = await session();
    const kv = countingKV(env.REVOKED);
    for (const at of [t0, t0 + 1, t0 + 2_000, t0 + RECHECK_MS - 1]) expect(await read(at, kv.binding)).toMatchObject({ ok: true });
    expect(kv.count()).toBe(1);
  });

  it(`while its shard is quiet, costs one read of the shard's generation per ${REVOCATION_RECHECK_SECONDS} s and none of its own key, for up to ${QUIET_TRUST_SECONDS} s`, async () => {
    const { key, t0, read } = await session();
    await stampedElsewhere(key, t0 - SETTLE_MS);
    const kv = countingKV(env.REVOKED);
    expect(await read(t0, kv.binding)).toMatchObject({ ok: true });
    for (let at = t0 + RECHECK_MS; at < t0 + QUIET_MS; at += RECHECK_MS) {
      expect(await read(at, kv.binding)).toMatchObject({ ok: true });
      expect(await read(at + 1, kv.binding)).toMatchObject({ ok: true });
    }
    const generation = generationKey(shardOf(key));
    expect(kv.keysRead().filter((k) => k === key)).toHaveLength(1);
    expect(kv.keysRead().filter((k) => k === generation)).toHaveLength(QUIET_TRUST_SECONDS / REVOCATION_RECHECK_SECONDS - 1);
    kv.reset();
    expect(await read(t0 + QUIET_MS, kv.binding)).toMatchObject({ ok: true });
    expect(kv.keysRead()).toContain(key);
  });

  it(`is refused within ${REVOCATION_RECHECK_SECONDS} s of another isolate's revocation and stamp, and not before`, async () => {
    const { key, t0, read } = await session();
    await stampedElsewhere(key, t0 - SETTLE_MS);
    expect(await read(t0)).toMatchObject({ ok: true });
    expect(await read(t0 + RECHECK_MS)).toMatchObject({ ok: true }); // the shard's generation, read now, says quiet
    await revokedElsewhere(key, t0 + RECHECK_MS + 1);
    expect(await read(t0 + 2 * RECHECK_MS - 1)).toMatchObject({ ok: true });
    expect(await read(t0 + 2 * RECHECK_MS)).toEqual({ ok: false, reason: "revoked" });
  });

  it(`asks its own key again after ${REVOCATION_RECHECK_SECONDS} s when it was read less than ${SETTLE_SECONDS} s after its shard's last stamp`, async () => {
    const { key, t0, read } = await session();
    // The stamp of a revocation in the same shard, 1 s before the read: KV may not yet have
    // carried every key that stamp covers, so the answer is not trusted past the recheck time.
    await stampedElsewhere(key, t0 - 1_000);
    expect(await read(t0)).toMatchObject({ ok: true });
    const kv = countingKV(env.REVOKED);
    expect(await read(t0 + RECHECK_MS, kv.binding)).toMatchObject({ ok: true });
    expect(kv.keysRead()).toEqual([generationKey(shardOf(key)), key]);
    // Once the isolate knows the shard's stamp is too recent, it asks only the key.
    kv.reset();
    expect(await read(t0 + 2 * RECHECK_MS, kv.binding)).toMatchObject({ ok: true });
    expect(kv.keysRead()).toEqual([key]);
    await revokedWithoutStamp(key);
    expect(await read(t0 + 3 * RECHECK_MS - 1)).toMatchObject({ ok: true });
    expect(await read(t0 + 3 * RECHECK_MS)).toEqual({ ok: false, reason: "revoked" });
  });

  it(`is refused ${QUIET_TRUST_SECONDS} s after the last read when a revocation's stamp never comes, and not before`, async () => {
    const { key, t0, read } = await session();
    await stampedElsewhere(key, t0 - SETTLE_MS);
    expect(await read(t0)).toMatchObject({ ok: true });
    await revokedWithoutStamp(key);
    expect(await read(t0 + QUIET_MS - 1)).toMatchObject({ ok: true });
    expect(await read(t0 + QUIET_MS)).toEqual({ ok: false, reason: "revoked" });
  });

  it("stays refused without another KV read until it expires", async () => {
    const { key, t0, read } = await session();
    await revokedElsewhere(key, t0);
    const kv = countingKV(env.REVOKED);
    for (const at of [t0, t0 + RECHECK_MS, t0 + 150_000]) expect(await read(at, kv.binding)).toEqual({ ok: false, reason: "revoked" });
    expect(kv.count()).toBe(1);
  });

  it("is refused while KV cannot answer once its last answer is older than the recheck time, quiet shard or not (fail closed)", async () => {
    const { key, t0, read } = await session();
    await stampedElsewhere(key, t0 - SETTLE_MS);
    const kv = failingKv(env.REVOKED, false);
    expect(await read(t0, kv.binding)).toMatchObject({ ok: true });
    kv.setFailing(true);
    expect(await read(t0 + RECHECK_MS - 1, kv.binding)).toMatchObject({ ok: true });
    expect(await read(t0 + RECHECK_MS, kv.binding)).toEqual({ ok: false, reason: "unavailable" });
  });
});

describe("a remembered service token at the gate", () => {
  async function rememberedToken() {
    const issued = await userWithServiceToken();
    const t0 = freshMoment();
    const use = (at: number, kv: KVNamespace = env.REVOKED) => authenticateServiceToken({ ...deps(), kv, now: at }, issued.token);
    const hash = await hashToken(issued.token);
    const keys = [revokedTokenKey(hash), revokedUserTokensKey(issued.user.id)];
    for (const key of keys) await stampedElsewhere(key, t0 - SETTLE_MS);
    expect(await use(t0)).not.toBeNull(); // verified with D1, and KV itself
    expect(await use(t0)).not.toBeNull(); // remembered: its revocations are read into the memo now
    return { ...issued, t0, use, hash, keys };
  }

  it("costs no read of its keys after the first while its shards are quiet", async () => {
    const { t0, use, keys } = await rememberedToken();
    const kv = countingKV(env.REVOKED);
    for (const at of [t0 + 1, t0 + RECHECK_MS - 1]) expect(await use(at, kv.binding)).not.toBeNull();
    expect(kv.count()).toBe(0);
    for (const at of [t0 + RECHECK_MS, t0 + 2 * RECHECK_MS, t0 + QUIET_MS - 1]) expect(await use(at, kv.binding)).not.toBeNull();
    expect(kv.keysRead().filter((k) => keys.includes(k))).toEqual([]);
    expect(kv.keysRead().every((k) => k.startsWith("gen:"))).toBe(true);
  });

  for (const [what, pick] of [
    ["the token", 0],
    ["every token of its user", 1],
  ] as const) {
    it(`is refused within ${REVOCATION_RECHECK_SECONDS} s of another isolate revoking ${what} and stamping it, and not before`, async () => {
      const token = await rememberedToken();
      const key = token.keys[pick]!;
      expect(await token.use(token.t0 + RECHECK_MS)).not.toBeNull(); // the shards' generations, read now, say quiet
      await revokedElsewhere(key, token.t0 + RECHECK_MS + 1, String(token.t0));
      expect(await token.use(token.t0 + 2 * RECHECK_MS - 1)).not.toBeNull();
      expect(await token.use(token.t0 + 2 * RECHECK_MS)).toBeNull();
    });

    it(`is refused ${QUIET_TRUST_SECONDS} s after the last read when revoking ${what} was never stamped`, async () => {
      const token = await rememberedToken();
      await revokedWithoutStamp(token.keys[pick]!, String(token.t0));
      expect(await token.use(token.t0 + QUIET_MS - 1)).not.toBeNull();
      expect(await token.use(token.t0 + QUIET_MS)).toBeNull();
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
