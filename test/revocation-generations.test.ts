/**
 * The writing side of revocation generations (src/kv/generations.ts, docs/security.md, "How
 * fast a revocation is refused"): every revocation stamps its shard once its key is written,
 * a batch stamps each shard once (KV takes one write a second per key), a stamp KV refuses is
 * tried again and then reported, and an isolate's own stamp ends its trust in that shard's
 * quiet answers at once. test/revocation-bound.test.ts pins the reading side.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ServiceUnavailableError } from "../src/errors";
import { GENERATION_SHARDS, SETTLE_SECONDS, shardOf } from "../src/kv/generations";
import { generationKey, revokedSessionKey } from "../src/kv/keys";
import { REVOCATION_RECHECK_SECONDS, readSessionRevocation, recordRevocation } from "../src/kv/revocations";
import { readSession, revokeUserSessions } from "../src/sessions";
import { countingKV, deps, userWithSession } from "./gate-support";
import { freshMoment } from "./support/revocation-clock";
import { createSession } from "./support/sessions";

const RECHECK_MS = REVOCATION_RECHECK_SECONDS * 1000;

/** A KV binding whose puts are recorded, and refused for the keys `refuse` picks, as many times as it says. */
function recordingKv(refuse: (key: string, attempt: number) => boolean = () => false) {
  const puts: string[] = [];
  const binding = new Proxy(env.REVOKED, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      if (property !== "put") return value.bind(target);
      return async (key: string, ...rest: unknown[]) => {
        puts.push(key);
        if (refuse(key, puts.filter((k) => k === key).length)) throw new Error("KV PUT failed: 429 Too Many Requests");
        return value.apply(target, [key, ...rest]);
      };
    },
  });
  return { binding, puts };
}

/** A session key that falls in the same shard as `key`. */
function sessionKeyInShardOf(key: string): string {
  for (;;) {
    const candidate = revokedSessionKey(crypto.randomUUID());
    if (candidate !== key && shardOf(candidate) === shardOf(key)) return candidate;
  }
}

describe("a revocation", () => {
  it("stamps its shard's generation with its moment, after its key", async () => {
    const kv = recordingKv();
    const key = revokedSessionKey(crypto.randomUUID());
    const now = Date.now();
    await recordRevocation(kv.binding, key, { expiresAt: now + 60_000, now });
    expect(kv.puts).toEqual([key, generationKey(shardOf(key))]);
    expect(await env.REVOKED.get(generationKey(shardOf(key)))).toBe(String(now));
  });

  it("signing out everywhere stamps each shard once, however many sessions end", async () => {
    const { user } = await userWithSession();
    for (let i = 0; i < 24; i++) await createSession(deps(), { user, amr: "link", request: new Request("http://localhost:8787/") });
    const kv = recordingKv();
    expect(await revokeUserSessions({ ...deps(), kv: kv.binding }, user.id)).toBe(25);
    const sessionKeys = kv.puts.filter((k) => k.startsWith("sess:"));
    const stamps = kv.puts.filter((k) => k.startsWith("gen:"));
    expect(sessionKeys).toHaveLength(25);
    expect(stamps.sort()).toEqual([...new Set(sessionKeys.map((k) => generationKey(shardOf(k))))].sort());
  });

  it("tries a refused stamp again once, and is done when KV takes it", async () => {
    const kv = recordingKv((key, attempt) => key.startsWith("gen:") && attempt === 1);
    const key = revokedSessionKey(crypto.randomUUID());
    await recordRevocation(kv.binding, key, { expiresAt: Date.now() + 60_000 });
    expect(kv.puts).toEqual([key, generationKey(shardOf(key)), generationKey(shardOf(key))]);
  });

  it("answers unavailable when KV refuses its stamp twice, its key written and refused by this isolate", async () => {
    const kv = recordingKv((key) => key.startsWith("gen:"));
    const key = revokedSessionKey(crypto.randomUUID());
    const now = Date.now();
    await expect(recordRevocation(kv.binding, key, { expiresAt: now + 60_000, now })).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(kv.puts.filter((k) => k.startsWith("gen:"))).toHaveLength(2);
    expect(await env.REVOKED.get(key)).toBe("1");
    const reads = countingKV(env.REVOKED);
    expect(await readSessionRevocation(reads.binding, key, { now: now + 1, expiresAt: now + 60_000 })).toBe(true);
    expect(reads.count()).toBe(0);
  });

  it("written by this isolate ends its trust in the quiet answers of the same shard at once", async () => {
    const { cookie, sessionId } = await userWithSession();
    const key = revokedSessionKey(sessionId);
    const t0 = freshMoment();
    await env.REVOKED.put(generationKey(shardOf(key)), String(t0 - SETTLE_SECONDS * 1000), { expirationTtl: 3600 });
    const read = (at: number) =>
      readSession(new Request("http://localhost:8787/x", { headers: { Cookie: cookie } }), { ...deps(), now: at });
    expect(await read(t0)).toMatchObject({ ok: true });
    expect(await read(t0 + RECHECK_MS)).toMatchObject({ ok: true }); // quiet: trusted past the recheck time
    // Another session of the same shard is revoked here; this one is revoked where no stamp reaches.
    await recordRevocation(env.REVOKED, sessionKeyInShardOf(key), { expiresAt: t0 + 600_000, now: t0 + RECHECK_MS + 1 });
    await env.REVOKED.put(key, "1", { expirationTtl: 3600 });
    expect(await read(t0 + RECHECK_MS + 2)).toEqual({ ok: false, reason: "revoked" });
  });
  it("is not hidden by a read of its shard's generation that started before it and answered after", async () => {
    const { cookie, sessionId } = await userWithSession();
    const key = revokedSessionKey(sessionId);
    const generation = generationKey(shardOf(key));
    const t0 = freshMoment();
    await env.REVOKED.put(generation, String(t0 - SETTLE_SECONDS * 1000), { expirationTtl: 3600 });
    const read = (at: number, kv: KVNamespace = env.REVOKED) =>
      readSession(new Request("http://localhost:8787/x", { headers: { Cookie: cookie } }), { ...deps(), kv, now: at });
    expect(await read(t0)).toMatchObject({ ok: true });
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A read of the generation that reaches KV before this isolate's stamp and comes back after it.
    const slowKv = new Proxy(env.REVOKED, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property !== "get") return typeof value === "function" ? value.bind(target) : value;
        return async (...args: Parameters<KVNamespace["get"]>) => {
          const answer = await target.get(...args);
          if (String(args[0]) === generation) await held;
          return answer;
        };
      },
    });
    const inFlight = read(t0 + RECHECK_MS, slowKv);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await recordRevocation(env.REVOKED, sessionKeyInShardOf(key), { expiresAt: t0 + 600_000, now: t0 + RECHECK_MS + 1 });
    await env.REVOKED.put(key, "1", { expirationTtl: 3600 });
    release();
    expect(await inFlight).toEqual({ ok: false, reason: "revoked" });
  });
});

describe("the shards", () => {
  it(`spread keys evenly over all ${GENERATION_SHARDS}`, () => {
    const counts = new Array<number>(GENERATION_SHARDS).fill(0);
    const n = 16_000;
    for (let i = 0; i < n; i++) counts[shardOf(revokedSessionKey(crypto.randomUUID()))]! += 1;
    const expected = n / GENERATION_SHARDS;
    for (const count of counts) expect(Math.abs(count - expected) / expected).toBeLessThan(0.15);
  });
});
