/**
 * Redeeming a magic link (POST /link) or a code (POST /code): decide, atomically, whether
 * this is the one redemption that wins, and whose sign-in it is. Sessions are made by the
 * caller. Every failure has a reason for the audit log; the client sees one generic page.
 *
 * Each redemption is ONE D1 batch (a transaction): the winning statement (login marker
 * moved, or request row consumed) and the statements that kill the sibling credentials
 * (the other half of the same email, the user's other pending codes), the latter guarded
 * by SQL that is true only if the first statement won.
 */
import { sql } from "drizzle-orm";
import { recordEvent } from "../audit/record-event";
import type { TokenDeps } from "../auth/token-service";
import { type LoginRequest, type User, users } from "../db/schema";
import { encodeBase64url } from "../tokens";
import { createUser, findUserByEmail } from "../users/store";
import { codeMatches, hashCode } from "./codes";
import { advanceMarkerIfUnchanged, bumpMarker, holdsMarker, nextLoginMarker } from "./login-marker";
import { consumeRequestStatement, endPendingRequestsStatement, takeCodeAttempt, wonByNonce } from "./requests-store";
import { isSignupAllowed } from "./signup-policy";
import { checkLinkToken } from "./signup-token";

export type Redemption =
  | { ok: true; user: User; newUser: boolean }
  | { ok: false; reason: string; userId?: string | null; detail?: Record<string, string | number | null> };

/** POST /link: verifies the token (either kind) and consumes it. */
export async function redeemLink(deps: TokenDeps, token: unknown): Promise<Redemption & { tokenHash?: string }> {
  const now = deps.now ?? Date.now();
  const check = await checkLinkToken(deps, token);
  if (!check.ok) return { ok: false, reason: check.reason, userId: check.userId ?? null, tokenHash: check.token?.hash };
  const result =
    check.kind === "user"
      ? await consumeUserLink(deps, check.user, check.token.oneTime, now)
      : await consumeSignup(deps, check.request, now);
  return { ...result, tokenHash: check.token.hash };
}

async function consumeUserLink(deps: TokenDeps, user: User, oneTime: boolean, now: number): Promise<Redemption> {
  const { db } = deps;
  if (oneTime) {
    const next = nextLoginMarker(user.lastLoginAt, now);
    const [advanced] = await db.batch([
      advanceMarkerIfUnchanged(db, user, next),
      endPendingRequestsStatement(db, { email: user.email, userId: user.id, now, won: holdsMarker(user.id, next) }),
    ]);
    const row = advanced[0];
    return row ? { ok: true, user: row, newUser: false } : { ok: false, reason: "used", userId: user.id };
  }
  // LINK_ONE_TIME=false: the link may be used again until it expires; the sign-in still
  // moves the marker (killing older one-time links) and ends pending codes.
  const stillValid = sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${user.id} AND ${users.securityStamp} = ${user.securityStamp} AND ${users.isActive} = 1)`;
  const [bumped] = await db.batch([
    bumpMarker(db, { userId: user.id, now, securityStamp: user.securityStamp }),
    endPendingRequestsStatement(db, { email: user.email, userId: user.id, now, won: stillValid }),
  ]);
  const row = bumped[0];
  return row ? { ok: true, user: row, newUser: false } : { ok: false, reason: "revoked", userId: user.id };
}

/**
 * POST /code: takes one attempt on the newest live request for the address (counted before
 * the comparison), compares in constant time, and on a match consumes the request.
 */
export async function redeemCode(deps: TokenDeps, input: { email: string; code: string }): Promise<Redemption> {
  const { config, db } = deps;
  const now = deps.now ?? Date.now();
  const maxAttempts = config.code.maxAttempts;
  const request = await takeCodeAttempt(db, input.email, maxAttempts, now);
  if (!request) {
    // Spend what a comparison costs, so "no code was sent" takes as long as "wrong code".
    await hashCode(config.secrets.sesame[0]!, crypto.randomUUID(), input.code);
    return { ok: false, reason: "no_live_code" };
  }
  if (!(await codeMatches(config, request.id, input.code, request.codeHash))) {
    return {
      ok: false,
      reason: request.attempts >= maxAttempts ? "wrong_code_attempts_exhausted" : "wrong_code",
      userId: request.userId,
      detail: { requestId: request.id, attempts: request.attempts },
    };
  }
  if (!request.userId) return consumeSignup(deps, request, now, maxAttempts);

  const nonce = newNonce();
  const won = wonByNonce(request.id, nonce);
  const [consumed, bumped] = await db.batch([
    consumeRequestStatement(db, { id: request.id, nonce, now, maxAttempts }),
    // The user's security state must not have changed since the code was sent (revoke
    // all, new email, deactivation): such a change kills codes as it kills links.
    bumpMarker(db, { userId: request.userId, now, guard: won, stateNotAfter: request.createdAt }),
    endPendingRequestsStatement(db, { email: request.email, userId: request.userId, now, won }),
  ]);
  if (!consumed[0]) return { ok: false, reason: "used", userId: request.userId };
  if (!bumped[0]) return { ok: false, reason: "revoked", userId: request.userId };
  return { ok: true, user: bumped[0], newUser: false };
}

/**
 * A pending request for an address with no account when it was made: consume it (one
 * winner), then find or create the user. Creation happens only here, at redemption, and
 * only if SIGNUP still allows the address.
 */
async function consumeSignup(deps: TokenDeps, request: LoginRequest, now: number, maxAttempts?: number): Promise<Redemption> {
  const { config, db } = deps;
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
  // not signed into by it (revoke all, deactivation, an admin creating it meanwhile).
  const bumped = await bumpMarker(db, { userId: user.id, now, stateNotAfter: newUser ? undefined : request.createdAt }).get();
  if (!bumped) return { ok: false, reason: user.isActive ? "revoked" : "inactive_user", userId: user.id };
  return { ok: true, user: bumped, newUser };
}

function newNonce(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
}
