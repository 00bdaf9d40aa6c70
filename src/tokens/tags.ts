import { lengthPrefixed } from "./bytes";
import { TAG_BYTES } from "./format";
import { hmac } from "./keys";
import type { TokenSubject } from "./types";

export async function computeBodyTag(key: CryptoKey, signed: Uint8Array): Promise<Uint8Array> {
  return (await hmac(key, lengthPrefixed(["sesame-edge/body", signed]))).subarray(0, TAG_BYTES);
}

/**
 * The state tag binds what revokes a token: the security stamp, the email (when
 * INVALIDATE_ON_EMAIL_CHANGE), and for one-time tokens the login marker.
 */
export async function computeStateTag(
  key: CryptoKey,
  signed: Uint8Array,
  user: TokenSubject,
  oneTime: boolean,
  bindEmail: boolean,
): Promise<Uint8Array> {
  const marker = oneTime ? `login:${user.lastLoginAt ?? "never"}` : "reusable";
  const email = bindEmail ? `email:${user.email}` : "email-unbound";
  const input = lengthPrefixed(["sesame-edge/state", signed, user.securityStamp, email, marker]);
  return (await hmac(key, input)).subarray(0, TAG_BYTES);
}
