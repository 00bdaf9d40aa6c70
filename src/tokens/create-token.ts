import { encodeBase64url } from "./base64url";
import { packBody, TAG_BYTES } from "./format";
import { computeBodyTag, computeStateTag } from "./tags";
import type { TokenInfo, TokenSubject } from "./types";

export interface CreateTokenOptions {
  /** HMAC key from deriveKey(SESAME_SECRET, "token"): always the current secret. */
  key: CryptoKey;
  /** "" (default) is the login scope. A token is valid only in its own scope. */
  scope?: string;
  /** Lifetime in seconds (the caller applies LINK_MAX_AGE as the default). */
  maxAge: number;
  /** One-time tokens die at the user's next login. */
  oneTime: boolean;
  /** Bind the email, so changing it kills the token (INVALIDATE_ON_EMAIL_CHANGE). */
  bindEmail: boolean;
  /** Unix ms; defaults to Date.now(). */
  now?: number;
}

/**
 * Mints a sesame token for `user` (the analogue of django-sesame's `get_token`). A caller
 * that stores or logs the token takes its hashToken (the token service does).
 */
export async function createToken(user: TokenSubject, options: CreateTokenOptions): Promise<{ token: string; info: TokenInfo }> {
  const { key, maxAge, oneTime } = options;
  if (!Number.isInteger(maxAge) || maxAge <= 0 || maxAge > 0xffffffff) {
    throw new TypeError("maxAge must be a positive whole number of seconds");
  }
  const issuedAt = options.now ?? Date.now();
  const scope = options.scope ?? "";
  const bytes = packBody({ userId: user.id, issuedAt, lifetimeSeconds: maxAge, scope, oneTime });
  const signedLength = bytes.length - 2 * TAG_BYTES;
  const signed = bytes.subarray(0, signedLength);
  const [bodyTag, stateTag] = await Promise.all([
    computeBodyTag(key, signed),
    computeStateTag(key, signed, user, oneTime, options.bindEmail),
  ]);
  bytes.set(bodyTag, signedLength);
  bytes.set(stateTag, signedLength + TAG_BYTES);
  return { token: encodeBase64url(bytes), info: { scope, issuedAt, expiresAt: issuedAt + maxAge * 1000, oneTime } };
}
