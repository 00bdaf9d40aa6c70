import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { readSession, type SessionDeps } from "../src/sessions";
import { verifySessionJwt } from "../src/sessions/jwt";
import { deriveKey, hmac } from "../src/tokens";
import { admin, expectError } from "./admin-client";
import { db, makeUser, me, PREFIX, postForm, rows, signInByLink, testConfig } from "./login-helpers";
import { createSession } from "./support/sessions";

const deps = (overrides: Partial<SessionDeps> = {}): SessionDeps => ({ config: testConfig(), db: db(), kv: env.REVOKED, ...overrides });

/** A genuine session JWT: HS256 under the edge's own session key (docs/security.md), with these claims. */
async function signedSession(claims: Record<string, unknown>): Promise<string> {
  const key = await hmac(await deriveKey(testConfig().secrets.sesame[0], "session"), new TextEncoder().encode("jwt/HS256"));
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(key);
}

function goodClaims(): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    sid: crypto.randomUUID(),
    sub: crypto.randomUUID(),
    email: "a@example.com",
    amr: "link",
    iat: now,
    exp: now + 3600,
    rv: Date.now(),
  };
}

const withCookie = (cookie: string) => new Request("http://localhost:8787/x", { headers: { Cookie: cookie } });

describe("the session JWT's claims", () => {
  it("are accepted in the shape the edge signs them (the control for the cases below)", async () => {
    const check = await readSession(withCookie(`sesame=${await signedSession(goodClaims())}`), deps());
    expect(check.ok).toBe(true);
  });

  it.each([
    ["an empty sub", { sub: "" }],
    ["a sub over 64 characters", { sub: "u".repeat(65) }],
    ["a numeric sub", { sub: 42 }],
    ["no email", { email: undefined }],
    ["an empty email", { email: "" }],
    ["an amr the edge never sets", { amr: "password" }],
    ["a fractional iat", { iat: 1.5 }],
    ["a negative rv", { rv: -1 }],
    ["an rv beyond safe integers", { rv: 2 ** 60 }],
    ["an rv given as text", { rv: "0" }],
    ["groups given as one name", { grp: "admins" }],
    ["an empty group name", { grp: ["admins", ""] }],
    ["a numeric group name", { grp: [42] }],
    ["a group name over 64 characters", { grp: ["g".repeat(65)] }],
  ])("refuse a genuine signature over %s", async (_label, change) => {
    const jwt = await signedSession({ ...goodClaims(), ...change });
    expect(await readSession(withCookie(`sesame=${jwt}`), deps())).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuse a genuine cookie over 3,600 characters without checking it further", async () => {
    const jwt = await signedSession({ ...goodClaims(), email: `${"a".repeat(2800)}@example.com` });
    expect(jwt.length).toBeGreaterThan(3600);
    expect(await readSession(withCookie(`sesame=${jwt}`), deps())).toEqual({ ok: false, reason: "invalid" });
  });
});

describe("the session JWT's host claim", () => {
  // verifySessionJwt on its own: readSession would also refuse most of these for naming another host.
  it.each([
    ["an empty host", ""],
    ["a numeric host", 42],
    ["a host over 253 characters", `${"h".repeat(250)}.example`],
  ])("is refused when it is %s", async (_label, hst) => {
    const jwt = await signedSession({ ...goodClaims(), hst });
    expect(await verifySessionJwt(testConfig(), jwt, Date.now())).toEqual({ ok: false, reason: "invalid" });
  });

  it("is read when it names a host (the control for the cases above)", async () => {
    const check = await verifySessionJwt(testConfig(), await signedSession({ ...goodClaims(), hst: "wiki.example.com" }), Date.now());
    expect(check).toMatchObject({ ok: true, claims: { host: "wiki.example.com" } });
  });
});

describe("the session cookie in the Cookie header", () => {
  it("is not mistaken for a valueless cookie whose name starts with it", async () => {
    const jwt = await signedSession(goodClaims());
    expect((await readSession(withCookie(`sesamex; sesame=${jwt}`), deps())).ok).toBe(true);
  });
});

describe("revalidation against D1", () => {
  it("refuses a session whose row has expired in D1, even while its cookie has time left", async () => {
    const now = Date.now();
    const { setCookie, sessionId } = await createSession(deps({ now }), {
      user: await makeUser(),
      amr: "link",
      request: new Request("http://x/"),
    });
    const cookie = setCookie.split(";")[0]!;
    const revalidate = testConfig().session.revalidateSeconds * 1000;
    await rows("UPDATE sessions SET expires_at = ? WHERE id = ?", now + revalidate, sessionId);
    expect((await readSession(withCookie(cookie), deps({ now: now + revalidate - 1 }))).ok).toBe(true);
    expect(await readSession(withCookie(cookie), deps({ now: now + revalidate }))).toEqual({ ok: false, reason: "expired" });
  });
});

/**
 * The real D1, except that `write` runs once, just before the first statement whose SQL
 * matches `before` executes: another request's write landing between two of this one's queries.
 */
function d1WithWriteBefore(real: D1Database, before: RegExp, write: () => Promise<unknown>): D1Database {
  let pending = true;
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement =>
    new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property === "bind") return (...args: unknown[]) => wrap(value.apply(target, args));
        if (typeof value !== "function") return value;
        if (!["run", "all", "first", "raw"].includes(String(property))) return value.bind(target);
        return async (...args: unknown[]) => {
          if (pending) {
            pending = false;
            await write();
          }
          return value.apply(target, args);
        };
      },
    });
  return new Proxy(real, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === "prepare") return (sql: string) => (before.test(sql) ? wrap(target.prepare(sql)) : target.prepare(sql));
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

describe("a revocation racing a revalidation", () => {
  it("wins: a session revoked between its D1 check and its slide is refused, and stays revoked with its old expiry", async () => {
    // The user first: a session that began before its user's last security change is refused for that.
    const user = await makeUser();
    const now = Date.now();
    const { setCookie, sessionId } = await createSession(deps({ now }), { user, amr: "link", request: new Request("http://x/") });
    const [before] = await rows<{ expires_at: number }>("SELECT expires_at FROM sessions WHERE id = ?", sessionId);
    const revokedAt = now + 1;
    const racing = d1WithWriteBefore(env.DB, /^update "sessions" set .*"last_seen_at"/i, () =>
      rows("UPDATE sessions SET revoked_at = ? WHERE id = ?", revokedAt, sessionId),
    );
    const due = now + testConfig().session.revalidateSeconds * 1000;
    const check = await readSession(withCookie(setCookie.split(";")[0]!), deps({ now: due, db: createDb(racing) }));
    expect(check).toEqual({ ok: false, reason: "revoked" });
    const [after] = await rows("SELECT revoked_at, expires_at, last_seen_at FROM sessions WHERE id = ?", sessionId);
    expect(after).toEqual({ revoked_at: revokedAt, expires_at: before!.expires_at, last_seen_at: now });
  });
});

describe("ending one session", () => {
  it("ends nothing for a forged cookie, while still clearing it", async () => {
    const user = await makeUser();
    const cookie = await signInByLink(user.email);
    const forged = `${cookie.slice(0, -3)}${cookie.endsWith("AAA") ? "BBB" : "AAA"}`;
    const logouts = async () => (await rows("SELECT id FROM auth_events WHERE event = 'logout'")).length;
    const before = await logouts();
    const res = await postForm(`${PREFIX}/logout`, {}, { cookie: forged });
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie()[0]).toContain("Max-Age=0");
    expect((await me(cookie)).status).toBe(200);
    expect(await logouts()).toBe(before);
  });

  it("through the admin API, answers 404 for a session id that does not exist", async () => {
    const user = await makeUser();
    const cookie = await signInByLink(user.email);
    await expectError(await admin("POST", `/users/${user.id}/sessions/revoke`, { json: { sessionId: crypto.randomUUID() } }), 404);
    expect((await me(cookie)).status).toBe(200);
  });
});
