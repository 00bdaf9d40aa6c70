/**
 * The `continue` value (docs/security.md, "Returning after sign-in"): how an internal page
 * that needs a sign-in first (the cross-host /sso, the admin console, OIDC authorize) gets
 * the browser back after it. `next` never points under the auth prefix, so such a page sends
 * the browser to sign in with `next` = AUTH_PREFIX/continue/<value>, where the value names the
 * page, signed under SESAME_SECRET and short-lived. After sign-in, GET AUTH_PREFIX/continue/<value>
 * checks the signature, the expiry and the allow-list again and only then redirects there.
 * Nobody can make a value that leads anywhere else: not off the auth host, not to logout.
 */
import type { Config } from "../config";
import { CONTINUE_VALUE } from "../http/safe-next";
import { decodeBase64url, deriveKey, deriveKeys, encodeBase64url, hmac, timingSafeEqual } from "../tokens";

/** The internal routes, under AUTH_PREFIX, a sign-in may continue to. */
const CONTINUE_ROUTES: readonly ((route: string) => boolean)[] = [
  (route) => route === "/sso",
  (route) => route === "/oidc/authorize",
  // The console's pages, never its bearer-token JSON API.
  (route) => (route === "/admin" || route.startsWith("/admin/")) && route !== "/admin/api" && !route.startsWith("/admin/api/"),
];

/** Long enough to read the email and use its link or code, so no longer than one of those lives, plus the time on the form. */
const FORM_TIME_SECONDS = 15 * 60;

/** How long a sign-in may take from the page that asked for it: the lifetime of a continue value. */
export function continueSeconds(config: Config): number {
  return config.link.maxAgeSeconds + FORM_TIME_SECONDS;
}

/** Keeps the whole `next` under safe-next.ts's 2,048 characters after base64url (4/3) and the signature. */
const MAX_TARGET_LENGTH = 1400;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The route under `authPrefix` of `pathAndQuery`, if it is written plainly: no dot segments and
 * no percent-encoding in the path at all (the router decodes `/admin/%61pi` to the admin API).
 */
function allowedRoute(config: Config, pathAndQuery: string): string | null {
  const url = new URL(pathAndQuery, config.publicUrl.origin);
  if (url.origin !== config.publicUrl.origin || url.pathname + url.search !== pathAndQuery) return null;
  if (!url.pathname.startsWith(`${config.authPrefix}/`) || url.pathname.includes("%")) return null;
  const route = url.pathname.slice(config.authPrefix.length);
  return CONTINUE_ROUTES.some((allowed) => allowed(route)) ? route : null;
}

/** True when `pathAndQuery` is short enough to be a continue value's target (continueNext throws beyond it). */
export function fitsContinue(pathAndQuery: string): boolean {
  return pathAndQuery.length <= MAX_TARGET_LENGTH;
}

async function signature(secret: string, payload: string): Promise<string> {
  return encodeBase64url(await hmac(await deriveKey(secret, "continue"), encoder.encode(payload)));
}

/**
 * The `next` that brings a signed-in browser back to `pathAndQuery`, an allow-listed route
 * under the auth prefix with its query. Throws for any other target: callers pass their own
 * route, so that is a programming error, not bad input.
 */
export async function continueNext(config: Config, pathAndQuery: string, now = Date.now()): Promise<string> {
  if (pathAndQuery.length > MAX_TARGET_LENGTH || !allowedRoute(config, pathAndQuery)) {
    throw new Error(`continueNext: not an allowed internal route: ${pathAndQuery.slice(0, 100)}`);
  }
  const expires = Math.floor(now / 1000) + continueSeconds(config);
  const payload = encodeBase64url(encoder.encode(JSON.stringify([pathAndQuery, expires])));
  return `${config.authPrefix}/continue/${payload}.${await signature(config.secrets.sesame[0], payload)}`;
}

/**
 * Where `value` (the last path segment of AUTH_PREFIX/continue/<value>) leads: the route's
 * path and query, or null when the value is malformed, forged, expired or names a route
 * outside the allow-list. Values signed under a fallback secret still count (key rotation).
 */
export async function readContinue(config: Config, value: string, now = Date.now()): Promise<string | null> {
  if (!CONTINUE_VALUE.test(value)) return null;
  const [payload = "", mac = ""] = value.split(".");
  const given = decodeBase64url(mac);
  if (!given) return null;
  let genuine = false;
  for (const key of await deriveKeys(config.secrets.sesame, "continue")) {
    if (timingSafeEqual(await hmac(key, encoder.encode(payload)), given)) genuine = true;
  }
  if (!genuine) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(decodeBase64url(payload) ?? new Uint8Array()));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== "string" || typeof parsed[1] !== "number") return null;
  const [target, expires] = parsed as [string, number];
  if (expires * 1000 <= now) return null;
  // The allow-list is checked again: a value signed before a route left the list opens nothing.
  return allowedRoute(config, target) ? target : null;
}
