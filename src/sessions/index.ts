/**
 * Browser sessions (docs/security.md, "Sessions"): a row in D1 and a cookie holding an HS256
 * JWT that names it.
 *
 * Hot path (readSession, called by the gate on every request): verify the JWT (no D1),
 * ask REVOKED whether the session ended early (through the isolate's memo: no KV read for a
 * session in steady use, src/kv/revocations.ts), and only when the cookie's `rv` claim is
 * SESSION_REVALIDATE old, one D1 check that slides the session and re-issues the cookie.
 * A revocation therefore refuses the next request in the isolate that wrote it, and
 * elsewhere within KV's propagation plus REVOCATION_RECHECK_SECONDS; the D1 re-check ends a
 * revoked session within SESSION_REVALIDATE even if KV never delivers (docs/security.md).
 *
 * A session slides by SESSION_MAX_AGE at each re-check but never lives past
 * SESSION_ABSOLUTE_MAX_AGE from sign-in, however often it is used.
 *
 * Starting a session is two steps, so the row can be written in the same D1 batch that
 * consumes the sign-in (src/login/redeem.ts): `newSessionRow` gives the row (inserted with
 * `insertSessionIf`, with `sessionStartStatements` after it), `issueSessionCookie` signs the
 * cookie once the batch said it won.
 */
import { hostnameOf } from "../access";
import { type AuthEvent, eventStatementIf, logEvent } from "../audit/record-event";
import type { Config } from "../config";
import { describeError } from "../db/errors";
import type { Session } from "../db/schema";
import { sessionGroupsFor, sessionGroupsOf, sessionGroupsQuery, TooManyGroupsError } from "../groups/session-groups";
import { readEdgeCookie, serializeEdgeCookie } from "../http/cookies";
import { clientIp, userAgent } from "../http/request-info";
import { revokedSessionKey } from "../kv/keys";
import { isRevocationRecorded, readSessionRevocation, recordRevocations } from "../kv/revocations";
import { signSessionJwt, verifySessionJwt } from "./jwt";
import { findSessionWithUser, markSessionsRevoked, sessionWritten, slideSession } from "./store";
import type { SessionCheck, SessionClaims, SessionDeps, SessionIdentity } from "./types";

export { insertSessionIf, sessionWritten } from "./store";
export type { SessionCheck, SessionClaims, SessionDeps } from "./types";

/**
 * Reads and checks the session cookie. Never throws for a bad cookie or a storage failure:
 * KV or D1 unavailable gives `unavailable` (and a log line), which callers must treat as
 * not authenticated. When the session slid, `setCookie` holds the re-issued cookie.
 */
export async function readSession(request: Request, deps: SessionDeps): Promise<SessionCheck> {
  const now = deps.now ?? Date.now();
  const jwt = readEdgeCookie(request, deps.config, "session");
  if (!jwt) return { ok: false, reason: "missing" };
  const checked = await verifySessionJwt(deps.config, jwt, now);
  if (!checked.ok) return checked;
  const { claims } = checked;
  // The JWT's exp already stops at the absolute limit; this also holds after the limit is lowered.
  if (now >= absoluteEndMs(deps, claims.iat * 1000)) return { ok: false, reason: "expired" };
  if (!cookieBelongsHere(deps.config, claims, request)) return { ok: false, reason: "invalid" };

  try {
    const revoked = await readSessionRevocation(deps.kv, revokedSessionKey(claims.sid), { now, expiresAt: claims.exp * 1000 });
    if (revoked) return { ok: false, reason: "revoked" };
  } catch {
    // Its only error is ServiceUnavailableError, after its own log line (src/kv/revocations.ts).
    return { ok: false, reason: "unavailable" };
  }

  if (now - claims.rv < deps.config.session.revalidateSeconds * 1000) {
    return { ok: true, identity: identityOf(claims), setCookie: null };
  }
  return revalidateSession(deps, claims, now);
}

/**
 * The D1 re-check: the row exists, is not revoked or expired (sliding or absolute), its
 * user is active and has not had its security state changed (revoke all, new email,
 * deactivation) since the session began. Then the session slides.
 */
async function revalidateSession(deps: SessionDeps, claims: SessionClaims, now: number): Promise<SessionCheck> {
  try {
    const row = await findSessionWithUser(deps.db, claims.sid);
    if (!row || row.userId !== claims.sub || row.revokedAt !== null) return { ok: false, reason: "revoked" };
    if (row.expiresAt <= now || absoluteEndMs(deps, row.createdAt) <= now) return { ok: false, reason: "expired" };
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
    const exp = expirySeconds(deps, now, row.createdAt);
    if (!(await slideSession(deps.db, claims.sid, exp * 1000, now))) return { ok: false, reason: "revoked" };
    const slid: SessionClaims = { ...claims, email: row.email, exp, rv: now, groups };
    const jwt = await signSessionJwt(deps.config, slid);
    return { ok: true, identity: identityOf(slid), setCookie: sessionCookie(deps, jwt, exp, now) };
  } catch (error) {
    // D1's own words only: drizzle's message would carry the query's parameters, the session id among them.
    console.error(JSON.stringify({ level: "error", msg: "session_revalidation_failed", error: describeError(error) }));
    return { ok: false, reason: "unavailable" };
  }
}

/**
 * Verifies the cookie's signature and expiry only (no KV, no D1) and returns its claims.
 * Logout uses it: ending a session must work even when the session would fail a re-check.
 */
export async function readSessionClaims(request: Request, deps: SessionDeps): Promise<SessionClaims | null> {
  const jwt = readEdgeCookie(request, deps.config, "session");
  if (!jwt) return null;
  const checked = await verifySessionJwt(deps.config, jwt, deps.now ?? Date.now());
  return checked.ok && cookieBelongsHere(deps.config, checked.claims, request) ? checked.claims : null;
}

/**
 * A session cookie is good only on the host it was minted for (docs/access.md, "One sign-in
 * for every app"): an app host's cookie names its host; the auth host's names none and,
 * under APPS, is good on the auth host alone. Browsers never send a host-only cookie
 * elsewhere; this refuses one copied there by hand or by a script.
 */
function cookieBelongsHere(config: Config, claims: SessionClaims, request: Request): boolean {
  // Without APPS an auth-host cookie is good everywhere: no URL to parse on the gate's hot path.
  if (claims.host === undefined && !config.access.configured) return true;
  const host = hostnameOf(new URL(request.url).host);
  if (claims.host !== undefined) return claims.host === host;
  return host === hostnameOf(config.publicUrl.host);
}

/**
 * The cookie that carries session `sessionId` onto app host `host` after a cross-host
 * sign-in: the same session (same id, same expiry: ending it ends every host's cookie),
 * re-checked against D1 and KV first. Null when the session is no longer live.
 */
export async function continueSessionOnHost(deps: SessionDeps, sessionId: string, host: string): Promise<string | null> {
  const now = deps.now ?? Date.now();
  if (await isRevocationRecorded(deps.kv, revokedSessionKey(sessionId))) return null;
  const row = await findSessionWithUser(deps.db, sessionId);
  if (!row || row.revokedAt !== null || row.expiresAt <= now || absoluteEndMs(deps, row.createdAt) <= now) return null;
  if (!row.isActive || row.stateChangedAt > row.createdAt) return null;
  let groups: string[];
  try {
    groups = await sessionGroupsFor(deps.db, deps.config, row.userId);
  } catch (error) {
    if (error instanceof TooManyGroupsError) return null;
    throw error;
  }
  // `iat` is when the session began, as on the auth host's cookie: the absolute limit counts from it.
  const exp = Math.min(Math.floor(row.expiresAt / 1000), Math.floor(absoluteEndMs(deps, row.createdAt) / 1000));
  const amr = row.amr === "code" ? "code" : "link";
  const iat = Math.floor(row.createdAt / 1000);
  const claims: SessionClaims = { sid: sessionId, sub: row.userId, email: row.email, amr, iat, exp, rv: now, groups, host };
  return sessionCookie(deps, await signSessionJwt(deps.config, claims), exp, now);
}

/** The row of a session of `userId` starting at `now`, for the caller to insert (insertSessionIf). */
export function newSessionRow(deps: SessionDeps, input: { userId: string; amr: "link" | "code"; request: Request }, now: number): Session {
  return {
    id: crypto.randomUUID(),
    userId: input.userId,
    amr: input.amr,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: expirySeconds(deps, now, now) * 1000,
    revokedAt: null,
    userAgent: userAgent(input.request),
    ip: clientIp(input.request),
  };
}

/**
 * What the D1 batch that writes session `row` also carries, so starting a session costs no
 * round trip of its own (docs/benchmarks.md, "The login path"): the user's carried groups,
 * read after the session row, and the `session_created` audit row, written only with it.
 * Hand the groups query's rows to issueSessionCookie.
 */
export function sessionStartStatements(deps: SessionDeps, row: Session) {
  return [
    sessionGroupsQuery(deps.db, deps.config, row.userId),
    eventStatementIf(deps.db, sessionCreatedEvent(row), row.createdAt, sessionWritten(row.id)),
  ] as const;
}

/**
 * The cookie of a session whose row was written, from its carried groups (the rows of
 * sessionStartStatements' query, read in the same batch): the Set-Cookie value. Logs the
 * `session_created` event that the batch wrote.
 */
export async function issueSessionCookie(
  deps: SessionDeps,
  row: Session,
  email: string,
  groupRows: readonly { name: string }[],
): Promise<{ sessionId: string; setCookie: string }> {
  let groups: string[];
  try {
    groups = sessionGroupsOf(deps.config, groupRows);
  } catch (error) {
    // Too many carried groups (TooManyGroupsError's page, sessionGroupsOf's only error): the row
    // just written gets no cookie, so it must not stay live.
    await markSessionsRevoked(deps.db, { sessionId: row.id }, row.createdAt);
    throw error;
  }
  const exp = row.expiresAt / 1000;
  const jwt = await signSessionJwt(deps.config, {
    sid: row.id,
    sub: row.userId,
    email,
    amr: row.amr as "link" | "code",
    iat: Math.floor(row.createdAt / 1000),
    exp,
    rv: row.createdAt,
    groups,
  });
  logEvent(sessionCreatedEvent(row));
  return { sessionId: row.id, setCookie: sessionCookie(deps, jwt, exp, row.createdAt) };
}

function sessionCreatedEvent(row: Session): AuthEvent {
  return {
    event: "session_created",
    userId: row.userId,
    ip: row.ip,
    userAgent: row.userAgent,
    detail: { sessionId: row.id, amr: row.amr },
  };
}

/** The Set-Cookie value that deletes the session cookie. */
export function clearSessionCookie(config: SessionDeps["config"]): string {
  return serializeEdgeCookie(config, "session", "", 0);
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
  await recordRevocations(
    deps.kv,
    ended.map((s) => ({ key: revokedSessionKey(s.id), expiresAt: s.expiresAt })),
    now,
  );
}

/** Unix ms after which a session that began at `startedAt` is refused, however it was used. */
function absoluteEndMs(deps: SessionDeps, startedAt: number): number {
  return startedAt + deps.config.session.absoluteMaxAgeSeconds * 1000;
}

/** The session's expiry (JWT `exp`, seconds): SESSION_MAX_AGE from now, capped by the absolute limit. */
function expirySeconds(deps: SessionDeps, now: number, startedAt: number): number {
  return Math.min(Math.floor(now / 1000) + deps.config.session.maxAgeSeconds, Math.floor(absoluteEndMs(deps, startedAt) / 1000));
}

function sessionCookie(deps: SessionDeps, jwt: string, exp: number, now: number): string {
  return serializeEdgeCookie(deps.config, "session", jwt, exp - Math.floor(now / 1000));
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
