/**
 * Browser sessions (DESIGN.md section 3): a row in D1 and a cookie holding an HS256 JWT
 * that names it.
 *
 * Hot path (readSession, called by the gate on every request): verify the JWT (no D1),
 * one KV read for an early revocation, and only when the cookie's `rv` claim is
 * SESSION_REVALIDATE old, one D1 check that slides the session and re-issues the cookie.
 * Revocation therefore takes effect at once on the edge that wrote KV, and everywhere
 * within SESSION_REVALIDATE (plus KV's propagation delay).
 */
import { recordEvent } from "../audit/record-event";
import type { User } from "../db/schema";
import { sessionGroupsFor, TooManyGroupsError } from "../groups/session-groups";
import { clientIp, userAgent } from "../http/request-info";
import { revocationTtlSeconds, revokedSessionKey } from "../kv/keys";
import { readSessionCookie, serializeSessionCookie } from "./cookie";
import { signSessionJwt, verifySessionJwt } from "./jwt";
import { findSessionWithUser, insertSession, markSessionsRevoked, slideSession } from "./store";
import type { SessionCheck, SessionClaims, SessionDeps, SessionIdentity } from "./types";

export { clearSessionCookie, sessionCookieName } from "./cookie";
export type { SessionCheck, SessionClaims, SessionDeps, SessionIdentity } from "./types";

/**
 * Reads and checks the session cookie. Never throws for a bad cookie or a storage failure:
 * KV or D1 unavailable gives `unavailable`, which callers must treat as not authenticated.
 * When the session slid, `setCookie` holds the re-issued cookie for the response.
 */
export async function readSession(request: Request, deps: SessionDeps): Promise<SessionCheck> {
  const now = deps.now ?? Date.now();
  const jwt = readSessionCookie(request, deps.config);
  if (!jwt) return { ok: false, reason: "missing" };
  const checked = await verifySessionJwt(deps.config, jwt, now);
  if (!checked.ok) return checked;
  const { claims } = checked;

  try {
    if ((await deps.kv.get(revokedSessionKey(claims.sid))) !== null) return { ok: false, reason: "revoked" };
  } catch {
    return { ok: false, reason: "unavailable" };
  }

  if (now - claims.rv < deps.config.session.revalidateSeconds * 1000) {
    return { ok: true, identity: identityOf(claims), setCookie: null };
  }
  return revalidateSession(deps, claims, now);
}

/**
 * The D1 re-check: the row exists, is not revoked or expired, its user is active and has
 * not had its security state changed (revoke all, new email, deactivation) since the
 * session began. Then the session slides: expiry = now + SESSION_MAX_AGE.
 */
async function revalidateSession(deps: SessionDeps, claims: SessionClaims, now: number): Promise<SessionCheck> {
  try {
    const row = await findSessionWithUser(deps.db, claims.sid);
    if (!row || row.userId !== claims.sub || row.revokedAt !== null) return { ok: false, reason: "revoked" };
    if (row.expiresAt <= now) return { ok: false, reason: "expired" };
    if (!row.isActive || row.stateChangedAt > row.createdAt) return { ok: false, reason: "revoked" };

    // Memberships are re-read here, so a change reaches the cookie within SESSION_REVALIDATE.
    // Too many to carry: the session ends, and signing in again shows why (no loop).
    let groups: string[];
    try {
      groups = await sessionGroupsFor(deps.db, deps.config, row.userId);
    } catch (error) {
      if (error instanceof TooManyGroupsError) return { ok: false, reason: "revoked" };
      throw error;
    }
    const exp = expirySeconds(deps, now);
    if (!(await slideSession(deps.db, claims.sid, exp * 1000, now))) return { ok: false, reason: "revoked" };
    const slid: SessionClaims = { ...claims, email: row.email, exp, rv: now, groups };
    const jwt = await signSessionJwt(deps.config, slid);
    return { ok: true, identity: identityOf(slid), setCookie: serializeSessionCookie(deps.config, jwt, exp - Math.floor(now / 1000)) };
  } catch (error) {
    console.error(JSON.stringify({ level: "error", msg: "session_revalidation_failed", error: String(error) }));
    return { ok: false, reason: "unavailable" };
  }
}

/**
 * Verifies the cookie's signature and expiry only (no KV, no D1) and returns its claims.
 * Logout uses it: ending a session must work even when the session would fail a re-check.
 */
export async function readSessionClaims(request: Request, deps: SessionDeps): Promise<SessionClaims | null> {
  const jwt = readSessionCookie(request, deps.config);
  if (!jwt) return null;
  const checked = await verifySessionJwt(deps.config, jwt, deps.now ?? Date.now());
  return checked.ok ? checked.claims : null;
}

/** Starts a session for `user`: the row, the audit event, and the Set-Cookie value. */
export async function createSession(
  deps: SessionDeps,
  input: { user: User; amr: "link" | "code"; request: Request },
): Promise<{ sessionId: string; setCookie: string }> {
  const now = deps.now ?? Date.now();
  // Before anything is written: a user in too many carried groups gets TooManyGroupsError's page.
  const groups = await sessionGroupsFor(deps.db, deps.config, input.user.id);
  const sessionId = crypto.randomUUID();
  const exp = expirySeconds(deps, now);
  const ip = clientIp(input.request);
  const agent = userAgent(input.request);
  await insertSession(deps.db, {
    id: sessionId,
    userId: input.user.id,
    amr: input.amr,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: exp * 1000,
    revokedAt: null,
    userAgent: agent,
    ip,
  });
  const jwt = await signSessionJwt(deps.config, {
    sid: sessionId,
    sub: input.user.id,
    email: input.user.email,
    amr: input.amr,
    iat: Math.floor(now / 1000),
    exp,
    rv: now,
    groups,
  });
  await recordEvent(
    deps.db,
    { event: "session_created", userId: input.user.id, ip, userAgent: agent, detail: { sessionId, amr: input.amr } },
    now,
  );
  return { sessionId, setCookie: serializeSessionCookie(deps.config, jwt, exp - Math.floor(now / 1000)) };
}

/** Ends one session: row marked, id into REVOKED for its remaining life. False if it was not live. */
export async function revokeSession(deps: SessionDeps, sessionId: string): Promise<boolean> {
  const now = deps.now ?? Date.now();
  const ended = await markSessionsRevoked(deps.db, { sessionId }, now);
  await publishRevocations(deps, ended, now);
  return ended.length > 0;
}

/** Ends every live session of a user; returns how many were live. */
export async function revokeUserSessions(deps: SessionDeps, userId: string): Promise<number> {
  const now = deps.now ?? Date.now();
  const ended = await markSessionsRevoked(deps.db, { userId }, now);
  await publishRevocations(deps, ended, now);
  return ended.length;
}

async function publishRevocations(deps: SessionDeps, ended: { id: string; expiresAt: number }[], now: number) {
  await Promise.all(ended.map((s) => deps.kv.put(revokedSessionKey(s.id), "1", { expirationTtl: revocationTtlSeconds(s.expiresAt, now) })));
}

function expirySeconds(deps: SessionDeps, now: number): number {
  return Math.floor(now / 1000) + deps.config.session.maxAgeSeconds;
}

function identityOf(claims: SessionClaims): SessionIdentity {
  return {
    sessionId: claims.sid,
    userId: claims.sub,
    email: claims.email,
    amr: claims.amr,
    expiresAt: claims.exp * 1000,
    groups: claims.groups,
  };
}
