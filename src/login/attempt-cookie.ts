/**
 * The attempt cookie (SAME_DEVICE, docs/security.md "Same device"): a random value the
 * browser that asks for a sign-in email keeps for LINK_MAX_AGE. Each login request stores
 * only a keyed hash of it bound to the request's id, so the cookie alone redeems nothing,
 * and a stolen row cannot be turned back into it.
 *
 * Named like the session cookie (one rule: src/http/cookies.ts): `__Host-sesame-attempt`,
 * `sesame-attempt` only on plain-http dev hosts. The gate strips it before the origin.
 */
import type { Config } from "../config";
import { readEdgeCookie, serializeEdgeCookie } from "../http/cookies";
import { decodeBase64url, deriveKey, encodeBase64url, hmac, timingSafeEqual } from "../tokens";
import { lengthPrefixed } from "../tokens/bytes";

/** 256 random bits, base64url: 43 characters. */
const ATTEMPT_VALUE = /^[A-Za-z0-9_-]{43}$/;

/** The browser's attempt value when it holds a well-formed one, else null. */
export function readAttemptCookie(request: Request, config: Config): string | null {
  const value = readEdgeCookie(request, config, "attempt");
  return value && ATTEMPT_VALUE.test(value) ? value : null;
}

/**
 * The value to bind a new request to: the browser's own when it has one (two emails asked
 * from one browser both count as asked there), else a fresh one.
 */
export function attemptValueFor(request: Request, config: Config): string {
  return readAttemptCookie(request, config) ?? encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Set-Cookie for `value`, living as long as the link and code it goes with. */
export function serializeAttemptCookie(config: Config, value: string): string {
  return serializeEdgeCookie(config, "attempt", value, config.link.maxAgeSeconds);
}

/** The stored form: HMAC(key derived from SESAME_SECRET, request id + value). */
export async function hashAttempt(secret: string, requestId: string, value: string): Promise<string> {
  const key = await deriveKey(secret, "attempt");
  return encodeBase64url(await hmac(key, lengthPrefixed(["login-attempt/v1", requestId, value])));
}

/** True when `value` is the one bound to the request; every secret is tried, in constant time. */
export async function attemptMatches(config: Config, requestId: string, value: string | null, storedHash: string): Promise<boolean> {
  const stored = decodeBase64url(storedHash);
  if (!stored || !value) return false;
  let match = false;
  for (const secret of config.secrets.sesame) {
    // biome-ignore lint/style/noNonNullAssertion: hashAttempt returns our own base64url encoding, which always decodes
    const candidate = decodeBase64url(await hashAttempt(secret, requestId, value))!;
    match = timingSafeEqual(candidate, stored) || match;
  }
  return match;
}
