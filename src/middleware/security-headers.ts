import type { MiddlewareHandler } from "hono";

/**
 * Strict CSP for our own pages: no scripts but our inline ones by hash or none at all,
 * no framing, no outside fetches. Pages that need a script pass its hash.
 */
export function contentSecurityPolicy(scriptHashes: string[] = []): string {
  const scripts = scriptHashes.length ? scriptHashes.map((h) => `'${h}'`).join(" ") : "'none'";
  return [
    "default-src 'none'",
    `script-src ${scripts}`,
    "style-src 'self'",
    "img-src 'self' data:",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** Headers every auth response carries (pages, JSON, errors, redirects). */
export const AUTH_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Content-Security-Policy": contentSecurityPolicy(),
  "Cross-Origin-Opener-Policy": "same-origin",
};

/** Sets AUTH_RESPONSE_HEADERS on every response under the auth prefix, unless a handler set its own CSP. */
export function authResponseHeaders(): MiddlewareHandler {
  return async function authResponseHeaders(c, next) {
    await next();
    for (const [name, value] of Object.entries(AUTH_RESPONSE_HEADERS)) {
      if (name === "Content-Security-Policy" && c.res.headers.has(name)) continue;
      c.res.headers.set(name, value);
    }
  };
}
