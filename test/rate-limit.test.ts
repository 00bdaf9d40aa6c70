import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { rateLimits } from "../src/db/schema";
import { hitRateLimit, MAX_RATE_LIMIT_WINDOW_SECONDS, pruneRateLimits, rateLimitClient, rateLimitKey } from "../src/rate-limit";
import { encodeBase64url } from "../src/tokens";

const db = createDb(env.DB);
const WINDOW = 900;
/** A window-aligned instant, so "seconds into the window" is easy to read below. */
const T0 = Math.ceil(Date.now() / (WINDOW * 1000)) * WINDOW * 1000;

function uniqueKey(kind = "test"): string {
  return `${kind}:${crypto.randomUUID()}`;
}

describe("hitRateLimit", () => {
  it("allows up to the limit in one window and refuses the next hit", async () => {
    const key = uniqueKey();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await hitRateLimit(db, { key, limit: 3, windowSeconds: WINDOW, now: T0 + i * 1000 }));
    expect(results.map((r) => [r.allowed, r.count])).toEqual([
      [true, 1],
      [true, 2],
      [true, 3],
      [false, 4],
    ]);
  });

  it("says how many seconds remain until the window ends, at least 1", async () => {
    const key = uniqueKey();
    expect((await hitRateLimit(db, { key, limit: 1, windowSeconds: WINDOW, now: T0 })).retryAfterSeconds).toBe(WINDOW);
    expect((await hitRateLimit(db, { key, limit: 1, windowSeconds: WINDOW, now: T0 + 100_500 })).retryAfterSeconds).toBe(800);
    expect((await hitRateLimit(db, { key, limit: 1, windowSeconds: WINDOW, now: T0 + WINDOW * 1000 - 1 })).retryAfterSeconds).toBe(1);
  });

  it("starts counting afresh when the window rolls over", async () => {
    const key = uniqueKey();
    for (let i = 0; i < 3; i++) await hitRateLimit(db, { key, limit: 2, windowSeconds: WINDOW, now: T0 + WINDOW * 1000 - 10 });
    const next = await hitRateLimit(db, { key, limit: 2, windowSeconds: WINDOW, now: T0 + WINDOW * 1000 });
    expect(next).toEqual({ allowed: true, count: 1, retryAfterSeconds: WINDOW, windowStart: T0 + WINDOW * 1000 });
    const row = await db.select().from(rateLimits).where(eq(rateLimits.key, key)).get();
    expect(row).toEqual({ key, windowStart: T0 + WINDOW * 1000, count: 1 });
  });

  it("starts afresh after a long quiet spell of several windows", async () => {
    const key = uniqueKey();
    await hitRateLimit(db, { key, limit: 1, windowSeconds: 60, now: T0 });
    await hitRateLimit(db, { key, limit: 1, windowSeconds: 60, now: T0 });
    expect(await hitRateLimit(db, { key, limit: 1, windowSeconds: 60, now: T0 + 5 * 60_000 + 30_000 })).toEqual({
      allowed: true,
      count: 1,
      retryAfterSeconds: 30,
      windowStart: T0 + 5 * 60_000,
    });
  });

  it("never moves a window backwards: a late hit stamped in the previous window counts in the current one", async () => {
    const key = uniqueKey();
    await hitRateLimit(db, { key, limit: 5, windowSeconds: WINDOW, now: T0 + 1000 });
    await hitRateLimit(db, { key, limit: 5, windowSeconds: WINDOW, now: T0 + 2000 });
    const late = await hitRateLimit(db, { key, limit: 5, windowSeconds: WINDOW, now: T0 - 1000 });
    expect(late.count).toBe(3);
    expect(late.retryAfterSeconds).toBeGreaterThan(WINDOW);
    const row = await db.select().from(rateLimits).where(eq(rateLimits.key, key)).get();
    expect(row?.windowStart).toBe(T0);
  });

  it("keeps separate counts for separate keys", async () => {
    const a = uniqueKey();
    const b = uniqueKey();
    await hitRateLimit(db, { key: a, limit: 1, windowSeconds: WINDOW, now: T0 });
    expect((await hitRateLimit(db, { key: a, limit: 1, windowSeconds: WINDOW, now: T0 })).allowed).toBe(false);
    expect((await hitRateLimit(db, { key: b, limit: 1, windowSeconds: WINDOW, now: T0 })).allowed).toBe(true);
  });

  it("allows exactly 5 of 100 concurrent hits with limit 5", async () => {
    const key = uniqueKey();
    const results = await Promise.all(
      Array.from({ length: 100 }, () => hitRateLimit(db, { key, limit: 5, windowSeconds: WINDOW, now: T0 })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
    expect(results.map((r) => r.count).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("refuses misuse by the caller with a TypeError", async () => {
    const key = uniqueKey();
    await expect(hitRateLimit(db, { key, limit: 0, windowSeconds: WINDOW })).rejects.toThrow(TypeError);
    await expect(hitRateLimit(db, { key, limit: 1.5, windowSeconds: WINDOW })).rejects.toThrow(TypeError);
    await expect(hitRateLimit(db, { key, limit: 1, windowSeconds: 0 })).rejects.toThrow(TypeError);
    await expect(hitRateLimit(db, { key, limit: 1, windowSeconds: MAX_RATE_LIMIT_WINDOW_SECONDS + 1 })).rejects.toThrow(TypeError);
    await expect(hitRateLimit(db, { key: "", limit: 1, windowSeconds: WINDOW })).rejects.toThrow(TypeError);
  });
});

describe("pruneRateLimits", () => {
  it("deletes only counters whose window has certainly ended", async () => {
    const old = uniqueKey();
    const recent = uniqueKey();
    const longRunning = uniqueKey();
    const day = MAX_RATE_LIMIT_WINDOW_SECONDS * 1000;
    await hitRateLimit(db, { key: old, limit: 5, windowSeconds: 60, now: T0 - day - 120_000 });
    await hitRateLimit(db, { key: recent, limit: 5, windowSeconds: 60, now: T0 - day + 60_000 });
    // The longest window there is, still running at T0.
    await hitRateLimit(db, { key: longRunning, limit: 5, windowSeconds: MAX_RATE_LIMIT_WINDOW_SECONDS, now: T0 });

    expect(await pruneRateLimits(db, T0)).toBeGreaterThanOrEqual(1);
    const keys = (await db.select({ key: rateLimits.key }).from(rateLimits).all()).map((r) => r.key);
    expect(keys).not.toContain(old);
    expect(keys).toContain(recent);
    expect(keys).toContain(longRunning);
  });
});

describe("rateLimitKey", () => {
  it("keeps the kind readable and hashes the value, so no email or IP is stored in plain text", async () => {
    const key = await rateLimitKey("login:email", "ada@example.com");
    expect(key).toMatch(/^login:email:[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain("ada");
    expect(await rateLimitKey("login:email", "ada@example.com")).toBe(key);
    expect(await rateLimitKey("login:email", "bob@example.com")).not.toBe(key);
    expect(await rateLimitKey("login:ip", "ada@example.com")).not.toBe(key);
  });

  it("keys the hash with a secret when given one, so the value cannot be found by trying them all", async () => {
    const plain = await rateLimitKey("login:ip", "203.0.113.7");
    const keyed = await rateLimitKey("login:ip", "203.0.113.7", "a-secret-of-some-length-0123456789");
    const otherSecret = await rateLimitKey("login:ip", "203.0.113.7", "another-secret-of-some-length-0123");
    expect(keyed).toMatch(/^login:ip:[A-Za-z0-9_-]{43}$/);
    expect(new Set([plain, keyed, otherSecret]).size).toBe(3);
  });

  it("never stores a derived key of another purpose, whatever value a client sends", async () => {
    const secret = "a-secret-of-some-length-0123456789";
    const master = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    for (const purpose of ["token", "session", "code"]) {
      const label = `sesame-edge/${purpose}/v1`;
      const derived = encodeBase64url(new Uint8Array(await crypto.subtle.sign("HMAC", master, new TextEncoder().encode(label))));
      const key = await rateLimitKey("login:ip", label, secret);
      expect(key).not.toContain(derived);
    }
  });

  it("refuses a kind that could be confused with a hash or another kind", async () => {
    await expect(rateLimitKey("Login Email", "x")).rejects.toThrow(TypeError);
    await expect(rateLimitKey("", "x")).rejects.toThrow(TypeError);
    await expect(rateLimitKey("login:", "x")).rejects.toThrow(TypeError);
  });
});

describe("rateLimitClient", () => {
  it("counts an IPv6 client by its /64, however the address is written", () => {
    for (const ip of [
      "2001:db8:1:2::1",
      "2001:DB8:1:2:ffff:ffff:ffff:ffff",
      "2001:0db8:0001:0002:0:0:0:7",
      "[2001:db8:1:2::9]",
      "2001:db8:1:2::a%eth0",
    ]) {
      expect(rateLimitClient(ip, 64), ip).toBe("2001:db8:1:2:0:0:0:0/64");
    }
    expect(rateLimitClient("2001:db8:1:3::1", 64)).toBe("2001:db8:1:3:0:0:0:0/64");
    expect(rateLimitClient("::1", 64)).toBe("0:0:0:0:0:0:0:0/64");
  });

  it("uses RATE_LIMIT_IPV6_PREFIX bits, also off a group boundary", () => {
    expect(rateLimitClient("2001:db8:1:2::1", 48)).toBe("2001:db8:1:0:0:0:0:0/48");
    expect(rateLimitClient("2001:db8:1:2ff::1", 56)).toBe("2001:db8:1:200:0:0:0:0/56");
    expect(rateLimitClient("2001:db8::1:2", 128)).toBe("2001:db8:0:0:0:0:1:2/128");
  });

  it("keeps IPv4 addresses as they are, IPv4-mapped IPv6 ones included, and anything that is not an address", () => {
    expect(rateLimitClient("192.0.2.7", 64)).toBe("192.0.2.7");
    expect(rateLimitClient("::ffff:192.0.2.7", 64)).toBe("192.0.2.7");
    expect(rateLimitClient("::ffff:c000:207", 64)).toBe("192.0.2.7");
    for (const other of ["unknown", "", "1::2::3", "2001:db8::g", "1:2:3:4:5:6:7:8:9", "::ffff:300.1.1.1"]) {
      expect(rateLimitClient(other, 64), other).toBe(other);
    }
  });
});
