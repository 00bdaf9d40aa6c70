import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkToken, issueToken, revokeToken, type TokenDeps } from "../src/auth/token-service";
import { parseConfig } from "../src/config";
import { createDb } from "../src/db/client";
import { revokedTokenKey } from "../src/kv/keys";
import { redeemLink } from "../src/login/redeem";
import { checkLinkToken } from "../src/login/signup-token";
import { decodeBase64url, encodeBase64url } from "../src/tokens";
import { createUser, rotateSecurityStamp, updateUser } from "../src/users/store";
import { barrier, d1WithBatchHook } from "./support/d1-hooks";

const db = createDb(env.DB);
const config = parseConfig(env as never);
const randomSecret = () => encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));

/** Real time, so KV's own clock and ours agree on TTLs. */
const depsAt = (now: number, overrides: Partial<TokenDeps> = {}): TokenDeps => ({ config, db, kv: env.REVOKED, now, ...overrides });

async function newUser(createdAt: number) {
  const user = await createUser(db, { email: `svc-${crypto.randomUUID()}@example.com` }, createdAt);
  if (!user) throw new Error("could not create the test user");
  return user;
}

/** Expiration (Unix seconds) KV holds for one key, read through list(). */
async function kvExpiration(key: string): Promise<number | undefined> {
  const { keys } = await env.REVOKED.list({ prefix: key });
  return keys.find((k) => k.name === key)?.expiration;
}

describe("issueToken and checkToken against D1", () => {
  it("issues a login token for a created user and checks it back to the same row", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token, info } = await issueToken(depsAt(now), user);
    expect(info).toMatchObject({ scope: "", oneTime: true, issuedAt: now, expiresAt: now + config.link.maxAgeSeconds * 1000 });
    const result = await checkToken(depsAt(now + 1000), token, { scope: "" });
    expect(result).toMatchObject({ ok: true, user: { id: user.id, email: user.email }, token: info });
  });

  it("makes tokens of other scopes reusable by default", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { info } = await issueToken(depsAt(now), user, { scope: "path:/reports/42", maxAge: 3600 });
    expect(info).toMatchObject({ scope: "path:/reports/42", oneTime: false, expiresAt: now + 3_600_000 });
  });

  it("kills the user's tokens on revoke-all, a new email and deactivation", async () => {
    const now = Date.now();
    const changes: [string, (id: string) => Promise<unknown>][] = [
      ["revoked", (id) => rotateSecurityStamp(db, id, now + 1000)],
      ["revoked", (id) => updateUser(db, id, { email: `moved-${crypto.randomUUID()}@example.com` }, now + 1000)],
      ["inactive_user", (id) => updateUser(db, id, { isActive: false }, now + 1000)],
    ];
    for (const [reason, change] of changes) {
      const user = await newUser(now - 60_000);
      const { token } = await issueToken(depsAt(now), user, { scope: "api", maxAge: 3600 });
      expect(await checkToken(depsAt(now + 500), token, { scope: "api" })).toMatchObject({ ok: true });
      await change(user.id);
      expect(await checkToken(depsAt(now + 2000), token, { scope: "api" })).toMatchObject({ ok: false, reason });
    }
  });
});

describe("INVALIDATE_ON_EMAIL_CHANGE through config", () => {
  it("keeps tokens valid across an email change when it is false, and kills them when true", async () => {
    const now = Date.now();
    for (const [setting, expected] of [
      ["false", { ok: true }],
      ["true", { ok: false, reason: "revoked" }],
    ] as const) {
      const deps = { config: parseConfig({ ...(env as unknown as Record<string, unknown>), INVALIDATE_ON_EMAIL_CHANGE: setting }) };
      const user = await newUser(now - 60_000);
      const { token } = await issueToken(depsAt(now, deps), user, { scope: "api", maxAge: 3600 });
      await updateUser(db, user.id, { email: `moved-${crypto.randomUUID()}@example.com` }, now + 1000);
      expect(await checkToken(depsAt(now + 2000, deps), token, { scope: "api" }), setting).toMatchObject(expected);
    }
  });
});

describe("one-time use is atomic", () => {
  const browser = () => new Request("http://localhost:8787/.sesame/link", { method: "POST" });
  /** POST /link's two steps: the check, then the consuming batch (the route does the same). */
  const redeem = async (deps: TokenDeps, token: string) => {
    const check = await checkLinkToken(deps, token);
    return check.ok ? redeemLink(deps, check, browser(), (userId) => ({ event: "link_redeemed", userId })) : check;
  };
  const sessionsOf = async (userId: string) =>
    (await env.DB.prepare("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?").bind(userId).first<{ n: number }>())!.n;

  it("gives exactly one success (and one session row) to 20 concurrent redemptions of one token", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token } = await issueToken(depsAt(now), user);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => redeem(depsAt(now + 1000), token)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok).map((o) => !o.ok && o.reason)).toEqual(Array(19).fill("used"));
    expect(await sessionsOf(user.id)).toBe(1);
    expect(await checkToken(depsAt(now + 2000), token, { scope: "" })).toMatchObject({ ok: false, reason: "used" });
  });

  it("lets the consuming batch decide even when all 20 checks passed first", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token } = await issueToken(depsAt(now), user);
    // Every check has passed before any consuming batch runs, and the 20 batches are let go together.
    const checks = await Promise.all(Array.from({ length: 20 }, () => checkLinkToken(depsAt(now + 1000), token)));
    expect(checks.every((check) => check.ok)).toBe(true);
    const held = createDb(d1WithBatchHook(env.DB, barrier(20)));
    const outcomes = await Promise.all(
      checks.map((check) =>
        redeemLink(depsAt(now + 1000, { db: held }), check as Extract<typeof check, { ok: true }>, browser(), (userId) => ({
          event: "link_redeemed",
          userId,
        })),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(await sessionsOf(user.id)).toBe(1);
    expect(await checkToken(depsAt(now + 2000), token, { scope: "" })).toMatchObject({ ok: false, reason: "used" });
  });
});

describe("revokeToken", () => {
  it("writes tok:<hash> with a TTL of the token's remaining life, and the token checks as revoked", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token, info } = await issueToken(depsAt(now), user, { scope: "api", maxAge: 3600 });
    expect(await revokeToken(depsAt(now), token)).toMatchObject({ revoked: true, userId: user.id, token: { hash: info.hash } });

    const key = revokedTokenKey(info.hash);
    expect(key).toBe(`tok:${info.hash}`);
    expect(await env.REVOKED.get(key)).not.toBeNull();
    const expiration = await kvExpiration(key);
    expect(expiration).toBeGreaterThanOrEqual(Math.floor(now / 1000) + 3600 - 5);
    expect(expiration).toBeLessThanOrEqual(Math.ceil(now / 1000) + 3600 + 5);
    expect(await checkToken(depsAt(now + 1000), token, { scope: "api" })).toMatchObject({ ok: false, reason: "revoked" });
  });

  it("stores only the hash: no KV key or value holds the raw token", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token } = await issueToken(depsAt(now), user, { scope: "api", maxAge: 3600 });
    await revokeToken(depsAt(now), token);
    const { keys } = await env.REVOKED.list();
    for (const { name } of keys) {
      expect(name).not.toContain(token);
      expect(await env.REVOKED.get(name)).not.toContain(token);
    }
  });

  it("keeps a record for at least KV's 60-second minimum when the token is about to expire", async () => {
    const now = Date.now();
    const user = await newUser(now - 120_000);
    const { token, info } = await issueToken(depsAt(now - 590_000), user, { scope: "api", maxAge: 600 });
    expect(await revokeToken(depsAt(now), token)).toMatchObject({ revoked: true });
    const expiration = await kvExpiration(revokedTokenKey(info.hash));
    expect(expiration).toBeGreaterThanOrEqual(Math.floor(now / 1000) + 60 - 5);
    expect(expiration).toBeLessThanOrEqual(Math.ceil(now / 1000) + 60 + 5);
  });

  it("writes nothing for junk, forged or expired tokens", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const expired = (await issueToken(depsAt(now - 700_000), user, { scope: "api", maxAge: 600 })).token;
    const genuine = decodeBase64url((await issueToken(depsAt(now), user, { scope: "api" })).token)!;
    genuine[genuine.length - 12]! ^= 1; // inside the body tag
    const forged = encodeBase64url(genuine);
    const before = (await env.REVOKED.list()).keys.length;
    expect(await revokeToken(depsAt(now), "not-a-token")).toEqual({ revoked: false, reason: "malformed" });
    expect(await revokeToken(depsAt(now), 12345)).toEqual({ revoked: false, reason: "malformed" });
    expect(await revokeToken(depsAt(now), forged)).toEqual({ revoked: false, reason: "bad_signature" });
    expect(await revokeToken(depsAt(now), expired)).toEqual({ revoked: false, reason: "expired" });
    expect((await env.REVOKED.list()).keys.length).toBe(before);
  });
});

describe("secret rotation through config", () => {
  const configWith = (secret: string, fallbacks = "") =>
    parseConfig({ ...(env as unknown as Record<string, unknown>), SESAME_SECRET: secret, SESAME_SECRET_FALLBACKS: fallbacks });

  it("accepts tokens of a fallback secret and refuses them once the fallback is dropped", async () => {
    const [s1, s2, s0] = [randomSecret(), randomSecret(), randomSecret()];
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token } = await issueToken(depsAt(now, { config: configWith(s1) }), user, { scope: "api", maxAge: 3600 });
    const check = (c: ReturnType<typeof configWith>) => checkToken(depsAt(now + 1000, { config: c }), token, { scope: "api" });
    expect(await check(configWith(s2, s1))).toMatchObject({ ok: true });
    expect(await check(configWith(s2, `${s0}, ${s1}`))).toMatchObject({ ok: true });
    expect(await check(configWith(s2))).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("always signs with the current secret, never a fallback", async () => {
    const [s1, s2] = [randomSecret(), randomSecret()];
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token } = await issueToken(depsAt(now, { config: configWith(s2, s1) }), user, { scope: "api", maxAge: 3600 });
    expect(await checkToken(depsAt(now + 1000, { config: configWith(s2) }), token, { scope: "api" })).toMatchObject({ ok: true });
    expect(await checkToken(depsAt(now + 1000, { config: configWith(s1) }), token, { scope: "api" })).toMatchObject({
      ok: false,
      reason: "bad_signature",
    });
  });
});
