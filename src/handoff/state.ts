/**
 * The state cookie of the cross-host sign-in (docs/access.md, "One sign-in for every app"):
 * set on the app host when a browser without a session there is sent to the auth host, and
 * checked when it comes back with a code. A code is bound to the hash of this cookie's
 * value, so a handoff URL opened in any other browser (login CSRF) signs nobody in.
 *
 * Named like the session cookie (src/http/cookies.ts): `__Host-sesame-state` (Secure,
 * Path=/, no Domain: a sibling subdomain cannot plant one), `sesame-state` only with a
 * plain-http dev PUBLIC_URL. HttpOnly and SameSite=Lax: it is sent on the top-level navigation back from
 * the auth host, never on a cross-site subrequest.
 */
import type { Config } from "../config";
import { readEdgeCookie, serializeEdgeCookie } from "../http/cookies";
import { encodeBase64url, hashToken } from "../tokens";

/** Long enough to read the sign-in email and come back; the code itself lives 60 s. */
const STATE_MAX_AGE_SECONDS = 600;
const STATE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The request's state value when it has a well-formed one, else null. */
export function readState(config: Config, request: Request): string | null {
  const value = readEdgeCookie(request, config, "state");
  return value !== null && STATE_SHAPE.test(value) ? value : null;
}

/**
 * The state for a new trip to the auth host: the browser's current one when it has one (so
 * two tabs signing in at once both come back), else 256 fresh random bits.
 */
export function stateFor(config: Config, request: Request): { value: string; setCookie: string } {
  const value = readState(config, request) ?? encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
  return { value, setCookie: serializeEdgeCookie(config, "state", value, STATE_MAX_AGE_SECONDS) };
}

/** What travels to the auth host and is stored with the code: never the value itself. */
export function stateHash(value: string): Promise<string> {
  return hashToken(value);
}

/** True when `hash` is well-formed enough to be a state hash. */
export function isStateHash(hash: string | undefined): hash is string {
  return hash !== undefined && STATE_SHAPE.test(hash);
}
