/**
 * The session cookie's name and attributes (DESIGN.md section 3).
 *
 * Over https the cookie is `__Host-sesame`: the prefix makes browsers refuse it unless it
 * is Secure, has Path=/ and no Domain, so a sibling subdomain cannot plant or shadow it.
 * Only a PUBLIC_URL on plain-http loopback (local development) gets the bare `sesame`
 * without Secure, because browsers drop Secure cookies on http. Any other http PUBLIC_URL
 * still gets the Secure `__Host-` cookie: sign-in then fails in the browser rather than
 * sending a session in clear text over a network.
 */
import type { Config } from "../config";

const SECURE_NAME = "__Host-sesame";
const LOCAL_NAME = "sesame";
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** True only for http://localhost, http://127.0.0.1 and http://[::1]. */
export function isPlainHttpLoopback(config: Config): boolean {
  return config.publicUrl.protocol === "http:" && LOOPBACK_HOSTS.has(config.publicUrl.hostname);
}

/** `__Host-sesame` when PUBLIC_URL is https (or any non-loopback host), `sesame` on http://localhost. */
export function sessionCookieName(config: Config): string {
  return isPlainHttpLoopback(config) ? LOCAL_NAME : SECURE_NAME;
}

/** The Set-Cookie value that stores `jwt` for `maxAgeSeconds`. */
export function serializeSessionCookie(config: Config, jwt: string, maxAgeSeconds: number): string {
  const attributes = [
    `${sessionCookieName(config)}=${jwt}`,
    "Path=/",
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    "HttpOnly",
    "SameSite=Lax",
  ];
  if (!isPlainHttpLoopback(config)) attributes.push("Secure");
  return attributes.join("; ");
}

/** The Set-Cookie value that deletes the session cookie. */
export function clearSessionCookie(config: Config): string {
  return serializeSessionCookie(config, "", 0);
}

/**
 * The session cookie's value from a Cookie header, or null. With several cookies of the
 * name (possible only for the bare dev name), the first wins: it is the most specific.
 */
export function readSessionCookie(request: Request, config: Config): string | null {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  const name = sessionCookieName(config);
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    return value === "" ? null : value;
  }
  return null;
}
