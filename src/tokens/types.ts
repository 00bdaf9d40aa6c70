/** What the token engine needs to know of a user: identity and revocation state. */
export interface TokenSubject {
  id: string;
  email: string;
  isActive: boolean;
  securityStamp: string;
  /** Login marker (ms); one-time tokens are signed over it, so a login kills them. */
  lastLoginAt: number | null;
  /** When the stamp or email last changed (ms): tells `revoked` from `bad_signature`. */
  stateChangedAt: number;
}

/** Why a token was refused. Goes to logs and the audit table, never to the client. */
export type TokenFailureReason =
  | "malformed"
  | "bad_signature"
  | "expired"
  | "wrong_scope"
  | "revoked"
  | "used"
  | "unknown_user"
  | "inactive_user";

/**
 * What a token says of itself. Its hash, the only form in which a token is stored or logged,
 * is not part of it: hashToken(token), paid for only by the callers that store or log it.
 */
export interface TokenInfo {
  scope: string;
  issuedAt: number;
  expiresAt: number;
  oneTime: boolean;
}

/**
 * What verification says. `I` is what the caller learns of the token: the engine gives
 * TokenInfo; the token service adds the hash (src/auth/token-service.ts).
 */
export type VerifyResult<U extends TokenSubject = TokenSubject, I extends TokenInfo = TokenInfo> =
  | { ok: true; user: U; token: I }
  | { ok: false; reason: TokenFailureReason; userId?: string; token?: I };
