/**
 * The short code in the sign-in email. Drawn from crypto.getRandomValues by rejection
 * sampling (bytes of 250 and above are discarded, so every digit is uniform: no modulo
 * bias), stored only as HMAC(deriveKey(secret, "code"), request id + code), compared in
 * constant time under the current secret and every fallback.
 */
import type { Config } from "../config";
import { decodeBase64url, deriveKey, encodeBase64url, hmac, timingSafeEqual } from "../tokens";
import { lengthPrefixed } from "../tokens/bytes";

/** The largest multiple of 10 that fits in a byte: bytes below it map to digits uniformly. */
const UNBIASED_BYTE_LIMIT = 250;

/** `length` uniformly random decimal digits. */
export function generateCode(length: number): string {
  let code = "";
  while (code.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < UNBIASED_BYTE_LIMIT && code.length < length) code += String(byte % 10);
    }
  }
  return code;
}

/** The stored form of a code: bound to its login request, so a hash is useless for any other row. */
export async function hashCode(secret: string, requestId: string, code: string): Promise<string> {
  const key = await deriveKey(secret, "code");
  return encodeBase64url(await hmac(key, lengthPrefixed(["login-code/v1", requestId, code])));
}

/** True when `code` is the one whose hash is stored; every secret is tried, with no early exit. */
export async function codeMatches(config: Config, requestId: string, code: string, storedHash: string): Promise<boolean> {
  const stored = decodeBase64url(storedHash);
  if (!stored) return false;
  let match = false;
  for (const secret of config.secrets.sesame) {
    // biome-ignore lint/style/noNonNullAssertion: hashCode returns base64url it encoded itself, which always decodes
    const candidate = decodeBase64url(await hashCode(secret, requestId, code))!;
    match = timingSafeEqual(candidate, stored) || match;
  }
  return match;
}

/**
 * What the person typed, as digits: spaces and dashes (the email groups the digits for
 * reading) are dropped. Null when the rest is not exactly `length` digits.
 */
export function normalizeCodeInput(raw: string, length: number): string | null {
  const digits = raw.replace(/[\s-]/g, "");
  return new RegExp(`^[0-9]{${length}}$`).test(digits) ? digits : null;
}
