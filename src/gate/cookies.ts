/**
 * The gate's cookies: reading ours from the Cookie header, removing them before a request
 * goes to the origin (the origin's own cookies stay, byte for byte), and the share cookie.
 */
import type { Config } from "../config";
import { isPlainHttpLoopback } from "../sessions/cookie";

/** Every cookie name the edge owns, in both the https and the http-localhost spelling. */
export const EDGE_COOKIE_NAMES: ReadonlySet<string> = new Set(["__Host-sesame", "sesame", "__Host-sesame-share", "sesame-share"]);

/**
 * The share cookie, named like the session cookie: `__Host-sesame-share` (Secure, Path=/,
 * no Domain: a sibling subdomain cannot plant or overwrite it), `sesame-share` only on
 * plain-http loopback (local development).
 * Its value is the share token itself, whose signed scope is checked against the path on
 * every request, so Path=/ grants nothing beyond that scope.
 */
export function shareCookieName(config: Config): string {
  return isPlainHttpLoopback(config) ? "sesame-share" : "__Host-sesame-share";
}

/** Set-Cookie for the share cookie, living as long as the token does. */
export function serializeShareCookie(config: Config, token: string, maxAgeSeconds: number): string {
  const secure = isPlainHttpLoopback(config) ? "" : "; Secure";
  return `${shareCookieName(config)}=${token}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; SameSite=Lax${secure}`;
}

/** The value of cookie `name` in a Cookie header, or null. The first one wins, as browsers send the most specific first. */
export function readCookie(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq === -1) continue;
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The Cookie header without the edge's cookies, or null when nothing is left. Each kept
 * pair is passed on exactly as the client sent it (RFC 6265 section 5.4: "; " separated).
 */
export function withoutEdgeCookies(header: string | null): string | null {
  if (!header) return null;
  const kept = header
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => {
      if (pair === "") return false;
      const eq = pair.indexOf("=");
      const name = (eq === -1 ? pair : pair.slice(0, eq)).trim();
      return !EDGE_COOKIE_NAMES.has(name);
    });
  return kept.length > 0 ? kept.join("; ") : null;
}
