import { lengthPrefixed } from "./bytes";
import { TAG_BYTES } from "./format";
import type { TokenSubject } from "./types";

/** HMAC-SHA256 truncated to a tag, viewed in place: one promise step on the token hot path. */
function tagOf(key: CryptoKey, input: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return crypto.subtle.sign("HMAC", key, input).then((mac) => new Uint8Array(mac, 0, TAG_BYTES));
}

export function computeBodyTag(key: CryptoKey, signed: Uint8Array): Promise<Uint8Array> {
  return tagOf(key, lengthPrefixed(["sesame-edge/body", signed]));
}

/**
 * The state tag binds what revokes a token: the security stamp, the email (when
 * INVALIDATE_ON_EMAIL_CHANGE), and for one-time tokens the login marker.
 */
export function computeStateTag(
  key: CryptoKey,
  signed: Uint8Array,
  user: TokenSubject,
  oneTime: boolean,
  bindEmail: boolean,
): Promise<Uint8Array> {
  const marker = oneTime ? `login:${user.lastLoginAt ?? "never"}` : "reusable";
  const email = bindEmail ? `email:${user.email}` : "email-unbound";
  return tagOf(key, lengthPrefixed(["sesame-edge/state", signed, user.securityStamp, email, marker]));
}
