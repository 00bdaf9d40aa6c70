import type { MiddlewareHandler } from "hono";
import type { Config } from "../config";

/**
 * Strict CSP for our own pages: no scripts but our inline ones by hash or none at all,
 * no framing, no outside fetches. Pages that need a script pass its hash. `thirdParty`
 * names origins a page may load scripts and frames from (only ever Turnstile's, and only
 * on the pages that carry its widget: docs/security.md).
 */
export function contentSecurityPolicy(scriptHashes: string[] = [], thirdParty: string[] = []): string {
  const sources = [...scriptHashes.map((h) => `'${h}'`), ...thirdParty];
  const frames = thirdParty.length ? [`frame-src ${thirdParty.join(" ")}`] : [];
  return [
    "default-src 'none'",
    `script-src ${sources.length ? sources.join(" ") : "'none'"}`,
    ...frames,
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

/** HSTS lifetime: one year, the least that browsers' preload lists accept. */
const HSTS_MAX_AGE_SECONDS = 31_536_000;

/**
 * The Strict-Transport-Security value for this edge (RFC 6797), or null when PUBLIC_URL is
 * plain http: browsers ignore the header there, and a local dev host must stay reachable.
 */
function strictTransportSecurity(config: Config): string | null {
  if (config.publicUrl.protocol !== "https:") return null;
  return `max-age=${HSTS_MAX_AGE_SECONDS}${config.hstsIncludeSubdomains ? "; includeSubDomains" : ""}`;
}

/**
 * Sets Strict-Transport-Security on every answer of the edge: its own pages, refusals and
 * errors, and the origin's proxied responses (whose own value, if any, it replaces: the edge
 * owns the host's transport policy). WebSocket handshakes (101) are left as they are.
 */
export function strictTransportSecurityHeader(config: Config): MiddlewareHandler {
  const value = strictTransportSecurity(config);
  return async function strictTransportSecurityHeader(c, next) {
    await next();
    if (value === null || c.res.status === 101) return;
    try {
      c.res.headers.set("Strict-Transport-Security", value);
    } catch {
      // A response from fetch() (the origin's) has immutable headers: re-wrap it; the body stays the origin's stream.
      const answer = new Response(c.res.body, c.res);
      answer.headers.set("Strict-Transport-Security", value);
      c.res = answer;
    }
  };
}
