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

export interface TokenInfo {
  scope: string;
  issuedAt: number;
  expiresAt: number;
  oneTime: boolean;
  /** base64url SHA-256 of the token text: the only form in which a token is stored or logged. */
  hash: string;
}

export type VerifyResult<U extends TokenSubject = TokenSubject> =
  | { ok: true; user: U; token: TokenInfo }
  | { ok: false; reason: TokenFailureReason; userId?: string; token?: TokenInfo };
