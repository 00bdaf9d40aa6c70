import { encodeBase64url } from "./base64url";
import { uuidToBytes } from "./bytes";
import { packBody } from "./format";
import { hashToken } from "./hash-token";
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

/** Mints a sesame token for `user` (the analogue of django-sesame's `get_token`). */
export async function createToken(user: TokenSubject, options: CreateTokenOptions): Promise<{ token: string; info: TokenInfo }> {
  const userIdBytes = uuidToBytes(user.id);
  if (!userIdBytes) throw new TypeError("user.id must be a lower-case UUID");
  if (!Number.isInteger(options.maxAge) || options.maxAge <= 0 || options.maxAge > 0xffffffff) {
    throw new TypeError("maxAge must be a positive whole number of seconds");
  }
  const issuedAt = options.now ?? Date.now();
  const scope = options.scope ?? "";
  const body = { userId: user.id, issuedAt, lifetimeSeconds: options.maxAge, scope, oneTime: options.oneTime };
  const signed = packBody(body, userIdBytes);
  const [bodyTag, stateTag] = await Promise.all([
    computeBodyTag(options.key, signed),
    computeStateTag(options.key, signed, user, options.oneTime, options.bindEmail),
  ]);
  const bytes = new Uint8Array(signed.length + bodyTag.length + stateTag.length);
  bytes.set(signed);
  bytes.set(bodyTag, signed.length);
  bytes.set(stateTag, signed.length + bodyTag.length);
  const token = encodeBase64url(bytes);
  return {
    token,
    info: {
      scope,
      issuedAt,
      expiresAt: issuedAt + options.maxAge * 1000,
      oneTime: options.oneTime,
      hash: await hashToken(token),
    },
  };
}
