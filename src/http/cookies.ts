/**
 * The edge's cookies, the session, the share, the attempt and the sign-in state cookie: their names, their Set-Cookie
 * values, reading them, and removing them before a request goes to the origin (the
 * origin's own cookies stay, byte for byte).
 *
 * Names follow the serving host (docs/security.md, "Cookie names"): `__Host-sesame` and
 * `__Host-sesame-share`, Secure, Path=/ and no Domain, so a sibling subdomain cannot plant
 * or shadow them; only when PUBLIC_URL is plain http on a dev host (localhost, `*.localhost`,
 * loopback or a private address) the bare `sesame` and `sesame-share` without Secure,
 * because browsers drop Secure cookies on http. Plain http on any other host keeps the
 * Secure cookie: sign-in then fails in the browser rather than sending a session in clear
 * text across the internet.
 */
import type { Config } from "../config";
import { servesPlainHttpDev } from "./dev-hosts";

/**
 * `attempt`: the asking browser's cookie of SAME_DEVICE (src/login/attempt-cookie.ts);
 * `state`: the cross-host sign-in's state cookie on an app host (docs/access.md).
 */
export type EdgeCookie = "session" | "share" | "attempt" | "state";

const BARE_NAMES: Record<EdgeCookie, string> = {
  session: "sesame",
  share: "sesame-share",
  attempt: "sesame-attempt",
  state: "sesame-state",
};
const SECURE_PREFIX = "__Host-";

/** Every cookie name the edge owns, in both spellings. */
const EDGE_COOKIE_NAMES: ReadonlySet<string> = new Set(Object.values(BARE_NAMES).flatMap((name) => [name, `${SECURE_PREFIX}${name}`]));

/** The name of `cookie` for this PUBLIC_URL. */
export function edgeCookieName(config: Config, cookie: EdgeCookie): string {
  return servesPlainHttpDev(config.publicUrl) ? BARE_NAMES[cookie] : `${SECURE_PREFIX}${BARE_NAMES[cookie]}`;
}

/** The Set-Cookie value that stores `value` in `cookie` for `maxAgeSeconds` (0 deletes it). */
export function serializeEdgeCookie(config: Config, cookie: EdgeCookie, value: string, maxAgeSeconds: number): string {
  const attributes = [
    `${edgeCookieName(config, cookie)}=${value}`,
    "Path=/",
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    "HttpOnly",
    "SameSite=Lax",
  ];
  if (!servesPlainHttpDev(config.publicUrl)) attributes.push("Secure");
  return attributes.join("; ");
}

/**
 * The value of cookie `name` in a Cookie header, or null when absent or empty. With several
 * cookies of the name (possible only for a bare name), the first wins: browsers send the
 * most specific first.
 */
function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    return pair.slice(eq + 1).trim() || null;
  }
  return null;
}

/** The value of the edge's `cookie` on `request`, or null. */
export function readEdgeCookie(request: Request, config: Config, cookie: EdgeCookie): string | null {
  return readCookie(request.headers.get("Cookie"), edgeCookieName(config, cookie));
}

/** True when the cookie pair `pair` ("name=value") is one of the edge's. */
function isEdgeCookiePair(pair: string): boolean {
  const eq = pair.indexOf("=");
  return EDGE_COOKIE_NAMES.has((eq === -1 ? pair : pair.slice(0, eq)).trim());
}

/**
 * The Cookie header without the edge's cookies, or null when nothing is left. Each kept
 * pair is passed on exactly as the client sent it (RFC 6265 section 5.4: "; " separated).
 * Two Cookie fields reach us joined with ", " (Headers joins repeated fields so), and some
 * origins split on the comma too (Python's SimpleCookie): a comma never belongs in a cookie
 * value (RFC 6265 section 4.1.1), so a pair with one is dropped if any piece is ours.
 */
export function withoutEdgeCookies(header: string | null): string | null {
  if (!header) return null;
  const kept = header
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => {
      if (pair === "" || isEdgeCookiePair(pair)) return false;
      return !pair.includes(",") || !pair.split(",").some(isEdgeCookiePair);
    });
  return kept.length > 0 ? kept.join("; ") : null;
}
