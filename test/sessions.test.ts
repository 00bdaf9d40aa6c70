import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { type Config, parseConfig } from "../src/config";
import type { Database } from "../src/db/client";
import { edgeCookieName } from "../src/http/cookies";
import { readSession, revokeSession, revokeUserSessions, type SessionDeps } from "../src/sessions";
import { deriveKey, encodeBase64url, hmac } from "../src/tokens";
import { rotateSecurityStamp } from "../src/users/store";
import { countingKV } from "./gate-support";
import { db, makeUser, me, rows, testConfig } from "./login-helpers";
import { createSession } from "./support/sessions";

const deps = (overrides: Partial<SessionDeps> = {}): SessionDeps => ({ config: testConfig(), db: db(), kv: env.REVOKED, ...overrides });

/** A request carrying `setCookie`'s cookie, as the browser would send it back. */
function withCookie(setCookie: string): Request {
  return new Request("http://localhost:8787/anything", { headers: { Cookie: setCookie.split(";")[0]! } });
}

function jwtOf(setCookie: string): string {
  return setCookie.split(";")[0]!.split("=").slice(1).join("=");
}

/** The HS256 key the edge uses, derived as documented: HMAC(deriveKey(secret, "session"), "jwt/HS256"). */
async function sessionJwtKey(secret: string): Promise<Uint8Array> {
  return hmac(await deriveKey(secret, "session"), new TextEncoder().encode("jwt/HS256"));
}

/** A D1 handle that fails the test if touched: proves the hot path makes no query. */
const NO_D1 = new Proxy(
  {},
  {
    get: () => {
      throw new Error("D1 was queried");
    },
  },
) as unknown as Database;

const FAILING_KV = {
  get: async () => {
    throw new Error("KV is down");
  },
} as unknown as KVNamespace;

function configFor(publicUrl: string): Config {
  // A non-local PUBLIC_URL refuses the dev mailer: mail through MailChannels (never called here).
  return parseConfig({
    ...(env as unknown as Record<string, string>),
    PUBLIC_URL: publicUrl,
    MAILER: "mailchannels",
    MAILCHANNELS_API_KEY: "unused",
  });
}

describe("session cookie", () => {
  it("is __Host-sesame, Secure, HttpOnly, SameSite=Lax, Path=/ and no Domain over https", async () => {
    const config = configFor("https://app.example.com");
    expect(edgeCookieName(config, "session")).toBe("__Host-sesame");
    const { setCookie } = await createSession(deps({ config }), {
      user: await makeUser(),
      amr: "link",
      request: new Request("https://app.example.com/"),
    });
    const attributes = setCookie.split("; ");
    expect(attributes[0]).toMatch(/^__Host-sesame=ey/);
    expect(attributes).toEqual(
      expect.arrayContaining(["Secure", "HttpOnly", "SameSite=Lax", "Path=/", `Max-Age=${config.session.maxAgeSeconds}`]),
    );
    expect(setCookie).not.toMatch(/Domain=/i);
  });

  it("follows the serving host: bare and without Secure on plain-http dev hosts, __Host- and Secure everywhere else", async () => {
    const devHosts = [
      "localhost:8787",
      "wiki.localhost:8787",
      "127.0.0.1:8787",
      "127.8.9.10",
      "[::1]:8787",
      "192.168.1.20:8787",
      "10.0.0.5",
      "172.16.4.2",
      "[fd12:3456::1]",
    ];
    for (const host of devHosts) {
      const config = configFor(`http://${host}`);
      expect([host, edgeCookieName(config, "session"), edgeCookieName(config, "share")]).toEqual([host, "sesame", "sesame-share"]);
      const { setCookie } = await createSession(deps({ config }), {
        user: await makeUser(),
        amr: "link",
        request: new Request(`http://${host}/`),
      });
      expect([host, setCookie.startsWith("sesame=ey"), setCookie.includes("Secure")]).toEqual([host, true, false]);
    }
    // Plain http anywhere else keeps the Secure cookie: sign-in fails rather than leaks.
    for (const url of [
      "http://app.example.com",
      "http://172.32.0.1",
      "http://192.169.0.1",
      "http://localhost.example.com",
      "https://localhost:8787",
      "https://192.168.1.20",
    ]) {
      const config = configFor(url);
      expect([url, edgeCookieName(config, "session"), edgeCookieName(config, "share")]).toEqual([
        url,
        "__Host-sesame",
        "__Host-sesame-share",
      ]);
    }
  });

  it("holds a JWT with sid, sub, email, amr, iat, exp and rv, and stores a row", async () => {
    const user = await makeUser();
    const now = Date.now();
    const { sessionId, setCookie } = await createSession(deps({ now }), { user, amr: "code", request: new Request("http://x/") });
    const payload = JSON.parse(atob(jwtOf(setCookie).split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(payload).toMatchObject({ sid: sessionId, sub: user.id, email: user.email, amr: "code", rv: now, iat: Math.floor(now / 1000) });
    expect(payload.exp).toBe(Math.floor(now / 1000) + testConfig().session.maxAgeSeconds);
    const [row] = await rows<{ user_id: string; expires_at: number }>("SELECT user_id, expires_at FROM sessions WHERE id = ?", sessionId);
    expect(row).toEqual({ user_id: user.id, expires_at: payload.exp * 1000 });
  });
});

describe("readSession", () => {
  it("says missing without a cookie", async () => {
    expect(await readSession(new Request("http://localhost:8787/"), deps())).toEqual({ ok: false, reason: "missing" });
  });

  it("accepts a fresh session with one KV read and no D1 query", async () => {
    const user = await makeUser();
    const { setCookie, sessionId } = await createSession(deps(), { user, amr: "link", request: new Request("http://x/") });
    const kv = countingKV(env.REVOKED);
    const check = await readSession(withCookie(setCookie), deps({ db: NO_D1, kv: kv.binding }));
    expect(check).toMatchObject({ ok: true, setCookie: null, identity: { sessionId, userId: user.id, email: user.email, amr: "link" } });
    expect(kv.count()).toBe(1);
  });

  it("refuses a cookie with one flipped byte", async () => {
    const { setCookie } = await createSession(deps(), { user: await makeUser(), amr: "link", request: new Request("http://x/") });
    const jwt = jwtOf(setCookie);
    const i = jwt.length - 5;
    const flipped = jwt.slice(0, i) + (jwt[i] === "A" ? "B" : "A") + jwt.slice(i + 1);
    const check = await readSession(new Request("http://x/", { headers: { Cookie: `sesame=${flipped}` } }), deps());
    expect(check).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses alg none", async () => {
    const user = await makeUser();
    const now = Math.floor(Date.now() / 1000);
    const header = encodeBase64url(new TextEncoder().encode(JSON.stringify({ alg: "none", typ: "JWT" })));
    const body = encodeBase64url(
      new TextEncoder().encode(
        JSON.stringify({ sid: "x", sub: user.id, email: user.email, amr: "link", rv: Date.now(), iat: now, exp: now + 3600 }),
      ),
    );
    const check = await readSession(new Request("http://x/", { headers: { Cookie: `sesame=${header}.${body}.` } }), deps());
    expect(check).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses HS256 under another key, and HS512 under the right one", async () => {
    const user = await makeUser();
    const now = Math.floor(Date.now() / 1000);
    const claims = { sid: crypto.randomUUID(), email: user.email, amr: "link", rv: Date.now() };
    const sign = (alg: string, key: Uint8Array) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg, typ: "JWT" })
        .setSubject(user.id)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(key);
    const otherKey = await sessionJwtKey(encodeBase64url(crypto.getRandomValues(new Uint8Array(32))));
    const rightKey = await sessionJwtKey(testConfig().secrets.sesame[0]!);
    for (const jwt of [await sign("HS256", otherKey), await sign("HS512", rightKey)]) {
      const check = await readSession(new Request("http://x/", { headers: { Cookie: `sesame=${jwt}` } }), deps());
      expect(check).toEqual({ ok: false, reason: "invalid" });
    }
    // The same claims under the right key and HS256 pass: the refusals above are about key and alg.
    const good = await readSession(
      new Request("http://x/", { headers: { Cookie: `sesame=${await sign("HS256", rightKey)}` } }),
      deps({ db: NO_D1 }),
    );
    expect(good.ok).toBe(true);
  });

  it("refuses a genuine JWT whose claims are incomplete", async () => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ email: "a@example.com", amr: "link", rv: Date.now() })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(crypto.randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + 3600)
      .sign(await sessionJwtKey(testConfig().secrets.sesame[0]!));
    const check = await readSession(new Request("http://x/", { headers: { Cookie: `sesame=${jwt}` } }), deps());
    expect(check).toEqual({ ok: false, reason: "invalid" });
  });

  it("says expired once the session's life is over", async () => {
    const { setCookie } = await createSession(deps(), { user: await makeUser(), amr: "link", request: new Request("http://x/") });
    const later = Date.now() + (testConfig().session.maxAgeSeconds + 1) * 1000;
    expect(await readSession(withCookie(setCookie), deps({ now: later }))).toEqual({ ok: false, reason: "expired" });
  });

  it("accepts a cookie signed under a fallback secret after SESAME_SECRET rotates", async () => {
    const old = testConfig().secrets.sesame[0]!;
    const { setCookie } = await createSession(deps(), { user: await makeUser(), amr: "link", request: new Request("http://x/") });
    const fresh = encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
    const rotated = parseConfig({ ...(env as unknown as Record<string, string>), SESAME_SECRET: fresh, SESAME_SECRET_FALLBACKS: old });
    expect((await readSession(withCookie(setCookie), deps({ config: rotated }))).ok).toBe(true);
    const dropped = parseConfig({ ...(env as unknown as Record<string, string>), SESAME_SECRET: fresh });
    expect(await readSession(withCookie(setCookie), deps({ config: dropped }))).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a session revoked in KV at once, before any revalidation", async () => {
    const { setCookie, sessionId } = await createSession(deps(), {
      user: await makeUser(),
      amr: "link",
      request: new Request("http://x/"),
    });
    expect(await revokeSession(deps(), sessionId)).toBe(true);
    expect(await readSession(withCookie(setCookie), deps({ db: NO_D1 }))).toEqual({ ok: false, reason: "revoked" });
    expect(await revokeSession(deps(), sessionId)).toBe(false);
  });

  it('writes sess:<session id> = "1" to REVOKED when a session ends, for its remaining life and at least 60 s (docs/storage.md)', async () => {
    const now = Date.now();
    const maxAge = testConfig().session.maxAgeSeconds;
    const expirationOf = async (key: string) => (await env.REVOKED.list({ prefix: key })).keys.find((k) => k.name === key)?.expiration;
    const cases = [
      { startedAgo: 0, ttl: maxAge },
      // Ten seconds left: KV refuses TTLs under 60 s, so the record outlives the session a little.
      { startedAgo: maxAge - 10, ttl: 60 },
    ];
    for (const { startedAgo, ttl } of cases) {
      const { sessionId } = await createSession(deps({ now: now - startedAgo * 1000 }), {
        user: await makeUser(),
        amr: "link",
        request: new Request("http://x/"),
      });
      expect(await revokeSession(deps({ now }), sessionId)).toBe(true);
      const key = `sess:${sessionId}`;
      expect(await env.REVOKED.get(key)).toBe("1");
      const expiration = await expirationOf(key);
      expect(expiration, `${ttl} s`).toBeGreaterThanOrEqual(Math.floor(now / 1000) + ttl - 5);
      expect(expiration, `${ttl} s`).toBeLessThanOrEqual(Math.ceil(now / 1000) + ttl + 5);
    }
  });

  it("refuses a row revoked directly in D1 once SESSION_REVALIDATE has passed, not before", async () => {
    const now = Date.now();
    const { setCookie, sessionId } = await createSession(deps({ now }), {
      user: await makeUser(),
      amr: "link",
      request: new Request("http://x/"),
    });
    await rows("UPDATE sessions SET revoked_at = ? WHERE id = ?", now, sessionId);
    const revalidate = testConfig().session.revalidateSeconds * 1000;
    expect((await readSession(withCookie(setCookie), deps({ now: now + revalidate - 1 }))).ok).toBe(true);
    expect(await readSession(withCookie(setCookie), deps({ now: now + revalidate }))).toEqual({ ok: false, reason: "revoked" });
  });

  it("slides the session at revalidation: new expiry, last seen, and a re-issued cookie that works", async () => {
    // The user first: a session that began before its user's last security change is refused.
    const user = await makeUser();
    const now = Date.now();
    const { setCookie, sessionId } = await createSession(deps({ now }), { user, amr: "link", request: new Request("http://x/") });
    const later = now + testConfig().session.revalidateSeconds * 1000 + 5000;
    const check = await readSession(withCookie(setCookie), deps({ now: later }));
    if (!check.ok) throw new Error(check.reason);
    expect(check.setCookie).toMatch(/^sesame=ey/);
    expect(check.identity.expiresAt).toBe((Math.floor(later / 1000) + testConfig().session.maxAgeSeconds) * 1000);
    const [row] = await rows<{ expires_at: number; last_seen_at: number }>(
      "SELECT expires_at, last_seen_at FROM sessions WHERE id = ?",
      sessionId,
    );
    expect(row).toEqual({ expires_at: check.identity.expiresAt, last_seen_at: later });
    // The new cookie carries the new rv: no second D1 check until SESSION_REVALIDATE passes again.
    expect(await readSession(withCookie(check.setCookie!), deps({ now: later + 1000, db: NO_D1 }))).toMatchObject({
      ok: true,
      setCookie: null,
    });
  });

  it("refuses at revalidation a user deactivated, or whose tokens were all revoked, since the session began", async () => {
    const revalidateAt = () => Date.now() + testConfig().session.revalidateSeconds * 1000;
    const inactive = await makeUser();
    const a = await createSession(deps(), { user: inactive, amr: "link", request: new Request("http://x/") });
    await rows("UPDATE users SET is_active = 0 WHERE id = ?", inactive.id);
    expect(await readSession(withCookie(a.setCookie), deps({ now: revalidateAt() }))).toEqual({ ok: false, reason: "revoked" });

    const stamped = await makeUser();
    const b = await createSession(deps(), { user: stamped, amr: "link", request: new Request("http://x/") });
    await rotateSecurityStamp(db(), stamped.id, Date.now() + 1);
    expect(await readSession(withCookie(b.setCookie), deps({ now: revalidateAt() }))).toEqual({ ok: false, reason: "revoked" });
  });

  it("refuses at revalidation a session whose row is gone (user deleted)", async () => {
    const user = await makeUser();
    const { setCookie } = await createSession(deps(), { user, amr: "link", request: new Request("http://x/") });
    await rows("DELETE FROM users WHERE id = ?", user.id);
    const at = Date.now() + testConfig().session.revalidateSeconds * 1000;
    expect(await readSession(withCookie(setCookie), deps({ now: at }))).toEqual({ ok: false, reason: "revoked" });
  });

  it("fails closed when KV cannot be read", async () => {
    const { setCookie } = await createSession(deps(), { user: await makeUser(), amr: "link", request: new Request("http://x/") });
    expect(await readSession(withCookie(setCookie), deps({ kv: FAILING_KV }))).toEqual({ ok: false, reason: "unavailable" });
  });

  it("fails closed when D1 cannot be read at revalidation", async () => {
    const { setCookie } = await createSession(deps(), { user: await makeUser(), amr: "link", request: new Request("http://x/") });
    const at = Date.now() + testConfig().session.revalidateSeconds * 1000;
    expect(await readSession(withCookie(setCookie), deps({ now: at, db: NO_D1 }))).toEqual({ ok: false, reason: "unavailable" });
  });
});

describe("SESSION_ABSOLUTE_MAX_AGE", () => {
  const DAY = 86_400_000;

  it("refuses a session 30 days after sign-in however often it was used, though each use slides it", async () => {
    const config = testConfig();
    expect([config.session.maxAgeSeconds, config.session.absoluteMaxAgeSeconds]).toEqual([604_800, 2_592_000]);
    const user = await makeUser();
    const signedIn = Date.now();
    let { setCookie } = await createSession(deps({ now: signedIn }), { user, amr: "link", request: new Request("http://x/") });
    // Used every 5 days: the sliding 7-day lifetime alone would keep it forever.
    for (const day of [5, 10, 15, 20, 25, 29]) {
      const check = await readSession(withCookie(setCookie), deps({ now: signedIn + day * DAY }));
      if (!check.ok || !check.setCookie) throw new Error(`day ${day}: ${JSON.stringify(check)}`);
      setCookie = check.setCookie;
      expect(check.identity.expiresAt).toBe(
        Math.min(Math.floor((signedIn + day * DAY) / 1000) + 604_800, Math.floor(signedIn / 1000) + 2_592_000) * 1000,
      );
    }
    const [row] = await rows<{ expires_at: number }>("SELECT expires_at FROM sessions WHERE user_id = ?", user.id);
    expect(row!.expires_at).toBe((Math.floor(signedIn / 1000) + 2_592_000) * 1000);
    expect(await readSession(withCookie(setCookie), deps({ now: signedIn + 30 * DAY + 1000 }))).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a fresh cookie at once when the limit is lowered below its age", async () => {
    const signedIn = Date.now() - 2 * DAY;
    const { setCookie } = await createSession(deps({ now: signedIn }), {
      user: await makeUser(),
      amr: "link",
      request: new Request("http://x/"),
    });
    const lowered = parseConfig({ ...(env as unknown as Record<string, string>), SESSION_ABSOLUTE_MAX_AGE: "86400" });
    // The hot path refuses it before asking KV or D1 (which would throw here).
    const now = signedIn + 1000;
    expect((await readSession(withCookie(setCookie), deps({ now }))).ok).toBe(true);
    expect(await readSession(withCookie(setCookie), deps({ config: lowered, now: signedIn + DAY + 1000, db: NO_D1 }))).toEqual({
      ok: false,
      reason: "expired",
    });
  });
});

describe("revokeUserSessions", () => {
  it("ends every live session of the user and reports how many, leaving others alone", async () => {
    const user = await makeUser();
    const other = await makeUser();
    const request = new Request("http://x/");
    const mine = await Promise.all([1, 2, 3].map(() => createSession(deps(), { user, amr: "link", request })));
    const theirs = await createSession(deps(), { user: other, amr: "code", request });
    expect(await revokeUserSessions(deps(), user.id)).toBe(3);
    for (const s of mine) expect(await readSession(withCookie(s.setCookie), deps())).toEqual({ ok: false, reason: "revoked" });
    expect((await readSession(withCookie(theirs.setCookie), deps())).ok).toBe(true);
    expect(await revokeUserSessions(deps(), user.id)).toBe(0);
  });
});

describe("GET /me", () => {
  it("answers 401 JSON for a tampered or missing cookie", async () => {
    const { setCookie } = await createSession(deps(), { user: await makeUser(), amr: "link", request: new Request("http://x/") });
    const tampered = `${setCookie.split(";")[0]!.slice(0, -3)}xyz`;
    for (const cookie of [tampered, null, "sesame=", "sesame=not.a.jwt"]) {
      const res = await me(cookie);
      expect(res.status).toBe(401);
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ error: "unauthenticated", message: "Not signed in" });
    }
  });

  it("passes on a re-issued cookie when the session slid", async () => {
    const user = await makeUser();
    const { setCookie, sessionId } = await createSession(deps({ now: Date.now() - testConfig().session.revalidateSeconds * 1000 - 1 }), {
      user: { ...user, stateChangedAt: 0 },
      amr: "link",
      request: new Request("http://x/"),
    });
    // The row was created "in the past": make the user's state older still, as it would be.
    await rows("UPDATE users SET state_changed_at = 0 WHERE id = ?", user.id);
    const res = await me(setCookie.split(";")[0]!);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { sessionId: string }).sessionId).toBe(sessionId);
    expect(res.headers.getSetCookie().some((h) => h.startsWith("sesame=ey"))).toBe(true);
  });
});
