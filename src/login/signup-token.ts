/**
 * The magic link for an address that has no account yet (SIGNUP open or allowlist).
 *
 * The user must not exist before the link or code is redeemed, so there is no user to
 * bind a token to. The link is a sesame token of scope "signup" whose subject is the login
 * request: its UUID stands where a user id would, its address as the email, and a fixed
 * stamp. This reuses the whole token engine (HMAC under SESAME_SECRET and its fallbacks,
 * constant-time tags, canonical base64url, expiry, KV revocation) with no new format.
 *
 * - It can never sign anybody in as an existing user: the scope differs from login links
 *   (""), and verification loads a login request, never a user.
 * - It is one-time through the request row: redemption is a conditional
 *   `UPDATE login_requests ... WHERE consumed_at IS NULL ... RETURNING`, and the same
 *   consumption kills the code of that email.
 */
import { LOGIN_SCOPE, SIGNUP_SCOPE } from "../auth/scopes";
import { checkToken, type HashedTokenInfo, isTokenRevoked, type TokenDeps, withTokenHash } from "../auth/token-service";
import type { LoginRequest, User } from "../db/schema";
import {
  createToken,
  deriveKey,
  deriveKeys,
  hashToken,
  hashTokenOnce,
  type TokenFailureReason,
  type TokenSubject,
  verifyToken,
} from "../tokens";
import { userByIdQuery } from "../users/store";
import { findLoginRequest, loginRequestByLinkHashQuery } from "./requests-store";

/** Pending requests have no security stamp; this constant fills the field the tag covers. */
const PENDING_STAMP = "pending-signup";

function subjectOf(request: LoginRequest): TokenSubject & { request: LoginRequest } {
  return {
    id: request.id,
    email: request.email,
    isActive: true,
    securityStamp: PENDING_STAMP,
    lastLoginAt: null,
    stateChangedAt: request.createdAt,
    request,
  };
}

/** Mints the sign-up link token for a pending request; it lives exactly as long as the row. */
export async function issueSignupToken(deps: TokenDeps, request: LoginRequest): Promise<{ token: string; info: HashedTokenInfo }> {
  const { token, info } = await createToken(subjectOf(request), {
    key: await deriveKey(deps.config.secrets.sesame[0], "token"),
    scope: SIGNUP_SCOPE,
    maxAge: Math.round((request.expiresAt - request.createdAt) / 1000),
    oneTime: false,
    bindEmail: true,
    now: request.createdAt,
  });
  return { token, info: { ...info, hash: await hashToken(token) } };
}

export type LinkCheck =
  | { ok: true; kind: "user"; user: User; token: HashedTokenInfo; loginRequest: LoginRequest | null }
  | { ok: true; kind: "signup"; request: LoginRequest; token: HashedTokenInfo; loginRequest: LoginRequest }
  | { ok: false; reason: TokenFailureReason; userId?: string; token?: HashedTokenInfo };

/**
 * Checks a link token of either kind without consuming it: a login link (scope "") for an
 * existing user, or a sign-up link (scope "signup") for a pending request. A valid link comes
 * with `loginRequest`, the request it was emailed for (null for a link the admin API issued),
 * read in the same D1 round trip as the user, for the same-device judgement.
 */
export async function checkLinkToken(deps: TokenDeps, token: unknown): Promise<LinkCheck> {
  let loginRequest: LoginRequest | null = null;
  // One hash for the request lookup, the revocation read and the result, whichever runs.
  const tokenHash = hashTokenOnce(typeof token === "string" ? token : "");
  const loadUser = async (id: string) => {
    const [users, requests] = await deps.db.batch([userByIdQuery(deps.db, id), loginRequestByLinkHashQuery(deps.db, await tokenHash())]);
    loginRequest = requests[0] ?? null;
    return users[0] ?? null;
  };
  const asLogin = await checkToken(deps, token, { scope: LOGIN_SCOPE, loadUser, tokenHash });
  if (asLogin.ok) return { ok: true, kind: "user", user: asLogin.user, token: asLogin.token, loginRequest };
  if (asLogin.reason !== "wrong_scope" || asLogin.token?.scope !== SIGNUP_SCOPE) return asLogin;

  const verified = await verifyToken(token, {
    keys: await deriveKeys(deps.config.secrets.sesame, "token"),
    scope: SIGNUP_SCOPE,
    bindEmail: true,
    loadUser: async (id) => {
      const request = await findLoginRequest(deps.db, id);
      return request ? subjectOf(request) : null;
    },
    isRevoked: isTokenRevoked(deps, tokenHash),
    now: deps.now,
  });
  const result = await withTokenHash(verified, tokenHash);
  if (!result.ok) return result;
  const request = result.user.request;
  // Already redeemed (by this link or by the code), or killed by another sign-in.
  if (request.consumedAt !== null) return { ok: false, reason: "used", token: result.token };
  return { ok: true, kind: "signup", request, token: result.token, loginRequest: request };
}
