/**
 * Redeeming a magic link (POST /link) or a code (POST /code): decide, atomically, whether
 * this is the one redemption that wins, whose sign-in it is, and write its session row.
 * Every failure has a reason for the audit log; the client sees one generic page.
 *
 * Each redemption is ONE D1 batch (a transaction; D1 has no BEGIN): the winning statement
 * (login marker moved, or request row consumed), the session row, and the statements that
 * kill the sibling credentials (the other half of the same email, the user's other pending
 * codes). The session row is inserted only while the user's row is still exactly as the
 * credential was checked against (marker, security stamp, email, activity: an admin email
 * change or "sign out everywhere" landing between check and batch makes it lose), and every
 * statement after it is guarded by that row existing (docs/security.md, "One-time use is
 * atomic"). The same batch reads the new session's groups and writes the success audit rows
 * (the route's `link_redeemed` or `code_redeemed`, then `session_created`), each only if the
 * session row was written: a sign-in is two D1 round trips after the check
 * (docs/benchmarks.md, "The login path").
 */
import { sql } from "drizzle-orm";
import { type AuthEvent, eventStatementIf, logEvent, recordEvent } from "../audit/record-event";
import type { TokenDeps } from "../auth/token-service";
import type { LoginRequest, Session, User } from "../db/schema";
import { insertSessionIf, newSessionRow, type SessionDeps, sessionStartStatements, sessionWritten } from "../sessions";
import { encodeBase64url } from "../tokens";
import { createUser, findUserByEmail } from "../users/store";
import { attemptMatches } from "./attempt-cookie";
import { codeMatches, hashCode } from "./codes";
import { advanceMarkerIfUnchanged, bumpMarker, nextLoginMarker, userStillMatches } from "./login-marker";
import { consumeRequestStatement, endPendingRequestsStatement, takeCodeAttempt, wonByNonce } from "./requests-store";
import { isSignupAllowed } from "./signup-policy";
import type { LinkCheck } from "./signup-token";

export type Redemption =
  | {
      ok: true;
      user: User;
      newUser: boolean;
      session: Session;
      /** The new session's carried groups as the batch read them: for issueSessionCookie. */
      groupRows: { name: string }[];
    }
  | { ok: false; reason: string; userId?: string | null; detail?: Record<string, string | number | null> };

/** The route's audit event for a sign-in that wins, written by the batch that writes the session. */
export type WinEvent = (userId: string, newUser: boolean) => AuthEvent;

/**
 * The statements after the session row in a redemption's batch: the route's audit row, the
 * session's groups, its `session_created` row (sessionStartStatements). Once the batch says
 * the sign-in won, the caller logs the route's event; issueSessionCookie logs the session's.
 */
function winStatements(deps: SessionDeps, session: Session, won: AuthEvent) {
  const [groups, created] = sessionStartStatements(deps, session);
  return [eventStatementIf(deps.db, won, session.createdAt, sessionWritten(session.id)), groups, created] as const;
}

/**
 * POST /link: consumes a link token that checkLinkToken accepted and writes the session row;
 * `request` is the browser's. One D1 round trip for a user's link.
 */
export async function redeemLink(
  deps: TokenDeps,
  check: Extract<LinkCheck, { ok: true }>,
  request: Request,
  won: WinEvent,
): Promise<Redemption> {
  return check.kind === "user"
    ? consumeUserLink(deps, check.user, check.token.oneTime, request, won)
    : consumeSignup(deps, check.request, request, "link", won);
}

async function consumeUserLink(deps: TokenDeps, user: User, oneTime: boolean, request: Request, onWin: WinEvent): Promise<Redemption> {
  const { db } = deps;
  // The clock is read after the check, and never before the user's last security change,
  // so the session cannot look older than a state the check already saw.
  const now = Math.max(deps.now ?? Date.now(), user.stateChangedAt);
  const session = newSessionRow(deps, { userId: user.id, amr: "link", request }, now);
  // Everything the token was signed over, and no security change since the check.
  const expected = {
    userId: user.id,
    securityStamp: user.securityStamp,
    email: deps.config.link.invalidateOnEmailChange ? user.email : undefined,
    stateNotAfter: user.stateChangedAt,
  };
  const won = sessionWritten(session.id);
  const winEvent = onWin(user.id, false);
  if (oneTime) {
    const oneTimeExpected = { ...expected, marker: user.lastLoginAt };
    const [written, advanced, , , groupRows] = await db.batch([
      insertSessionIf(db, session, userStillMatches(oneTimeExpected)),
      advanceMarkerIfUnchanged(db, oneTimeExpected, nextLoginMarker(user.lastLoginAt, now)),
      endPendingRequestsStatement(db, { email: user.email, userId: user.id, now, won }),
      ...winStatements(deps, session, winEvent),
    ]);
    const row = advanced[0];
    if (!written[0] || !row) return { ok: false, reason: "used", userId: user.id };
    logEvent(winEvent);
    return { ok: true, user: row, newUser: false, session, groupRows };
  }
  // LINK_ONE_TIME=false: the link may be used again until it expires; the sign-in still
  // moves the marker (killing older one-time links) and ends pending codes.
  const [written, bumped, , , groupRows] = await db.batch([
    insertSessionIf(db, session, userStillMatches(expected)),
    bumpMarker(db, { userId: user.id, now, won }),
    endPendingRequestsStatement(db, { email: user.email, userId: user.id, now, won }),
    ...winStatements(deps, session, winEvent),
  ]);
  const row = bumped[0];
  if (!written[0] || !row) return { ok: false, reason: "revoked", userId: user.id };
  logEvent(winEvent);
  return { ok: true, user: row, newUser: false, session, groupRows };
}

/**
 * POST /code: takes one attempt on the newest live request for the address (counted before
 * the comparison), compares in constant time, and on a match consumes the request.
 */
export async function redeemCode(
  deps: TokenDeps,
  input: { email: string; code: string; request: Request; attempt?: string | null },
  onWin: WinEvent,
): Promise<Redemption> {
  const { config, db } = deps;
  const now = deps.now ?? Date.now();
  const maxAttempts = config.code.maxAttempts;
  const request = await takeCodeAttempt(db, input.email, maxAttempts, now);
  if (!request) {
    // Spend what a comparison costs, so "no code was sent" takes as long as "wrong code".
    await hashCode(config.secrets.sesame[0], crypto.randomUUID(), input.code);
    return { ok: false, reason: "no_live_code" };
  }
  // SAME_DEVICE=require: only the browser that asked may use the code (the try still counts).
  if (
    config.sameDevice === "require" &&
    request.attemptHash &&
    !(await attemptMatches(config, request.id, input.attempt ?? null, request.attemptHash))
  ) {
    return { ok: false, reason: "other_browser", userId: request.userId, detail: { requestId: request.id, attempts: request.attempts } };
  }
  if (!(await codeMatches(config, request.id, input.code, request.codeHash))) {
    return {
      ok: false,
      reason: request.attempts >= maxAttempts ? "wrong_code_attempts_exhausted" : "wrong_code",
      userId: request.userId,
      detail: { requestId: request.id, attempts: request.attempts },
    };
  }
  if (!request.userId) return consumeSignup(deps, request, input.request, "code", onWin, maxAttempts);

  const nonce = newNonce();
  const consumedHere = wonByNonce(request.id, nonce);
  const session = newSessionRow(deps, { userId: request.userId, amr: "code", request: input.request }, now);
  const winEvent = onWin(request.userId, false);
  const [consumed, written, bumped, , , groupRows] = await db.batch([
    consumeRequestStatement(db, { id: request.id, nonce, now, maxAttempts }),
    // The user's security state must not have changed since the code was sent (revoke
    // all, new email, deactivation): such a change kills codes as it kills links.
    insertSessionIf(
      db,
      session,
      sql`${consumedHere} AND ${userStillMatches({ userId: request.userId, stateNotAfter: request.createdAt })}`,
    ),
    bumpMarker(db, { userId: request.userId, now, won: sessionWritten(session.id) }),
    endPendingRequestsStatement(db, { email: request.email, userId: request.userId, now, won: consumedHere }),
    ...winStatements(deps, session, winEvent),
  ]);
  if (!consumed[0]) return { ok: false, reason: "used", userId: request.userId };
  if (!written[0] || !bumped[0]) return { ok: false, reason: "revoked", userId: request.userId };
  logEvent(winEvent);
  return { ok: true, user: bumped[0], newUser: false, session, groupRows };
}

/**
 * A pending request for an address with no account when it was made: consume it (one
 * winner), then find or create the user and start its session. Creation happens only here,
 * at redemption, and only if SIGNUP still allows the address.
 */
async function consumeSignup(
  deps: TokenDeps,
  request: LoginRequest,
  browser: Request,
  amr: "link" | "code",
  onWin: WinEvent,
  maxAttempts?: number,
): Promise<Redemption> {
  const { config, db } = deps;
  const now = deps.now ?? Date.now();
  const nonce = newNonce();
  const [consumed] = await db.batch([
    consumeRequestStatement(db, { id: request.id, nonce, now, maxAttempts }),
    endPendingRequestsStatement(db, { email: request.email, userId: null, now, won: wonByNonce(request.id, nonce) }),
  ]);
  if (!consumed[0]) return { ok: false, reason: "used" };

  let user = await findUserByEmail(db, request.email);
  let newUser = false;
  if (!user) {
    if (!isSignupAllowed(config.signup, request.email)) return { ok: false, reason: "signup_refused" };
    user = await createUser(db, { email: request.email }, now);
    newUser = user !== null;
    // Lost a race with another creation of the address: that account is judged like any existing one.
    user ??= await findUserByEmail(db, request.email);
    if (!user) return { ok: false, reason: "unknown_user" };
    if (newUser)
      await recordEvent(db, { event: "user_created", userId: user.id, reason: "signup", detail: { policy: config.signup.policy } }, now);
  }
  // An account that appeared or changed its security state after the email was sent is
  // not signed into by it (revoke all, deactivation, an admin creating it meanwhile); one
  // created just now must still be as it was created.
  const sessionAt = Math.max(now, user.stateChangedAt);
  const session = newSessionRow(deps, { userId: user.id, amr, request: browser }, sessionAt);
  const expected = { userId: user.id, stateNotAfter: newUser ? user.stateChangedAt : request.createdAt };
  const winEvent = onWin(user.id, newUser);
  const [written, bumped, , groupRows] = await db.batch([
    insertSessionIf(db, session, userStillMatches(expected)),
    bumpMarker(db, { userId: user.id, now: sessionAt, won: sessionWritten(session.id) }),
    ...winStatements(deps, session, winEvent),
  ]);
  if (!written[0] || !bumped[0]) return { ok: false, reason: user.isActive ? "revoked" : "inactive_user", userId: user.id };
  logEvent(winEvent);
  return { ok: true, user: bumped[0], newUser, session, groupRows };
}

function newNonce(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
}
