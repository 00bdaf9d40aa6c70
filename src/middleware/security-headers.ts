import type { MiddlewareHandler } from "hono";
import { hostnameOf } from "../access";
import type { Config } from "../config";

export interface PolicyOptions {
  /** "sha256-..." hashes of the page's own inline scripts. */
  scriptHashes?: string[];
  /** Extra image origins: BRAND_LOGO_URL's, when set (docs/pages.md, "Brand"). */
  imageOrigins?: string[];
  /** Origins of scripts and frames from elsewhere: Turnstile's, on the pages with its widget. */
  thirdParty?: string[];
}

/**
 * Strict CSP for our own pages: no scripts but our inline ones by hash or none at all,
 * no framing, no outside fetches; images from ourselves, and from the logo's origin only
 * when BRAND_LOGO_URL is set. Pages that need a script pass its hash. `thirdParty` names
 * origins a page may load scripts and frames from (only ever Turnstile's, and only on the
 * pages that carry its widget: docs/security.md).
 */
export function contentSecurityPolicy({ scriptHashes = [], imageOrigins = [], thirdParty = [] }: PolicyOptions = {}): string {
  const sources = [...scriptHashes.map((h) => `'${h}'`), ...thirdParty];
  const frames = thirdParty.length ? [`frame-src ${thirdParty.join(" ")}`] : [];
  return [
    "default-src 'none'",
    `script-src ${sources.length ? sources.join(" ") : "'none'"}`,
    ...frames,
    "style-src 'self'",
    ["img-src 'self' data:", ...imageOrigins].join(" "),
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/** The CSP options every page of this configuration shares (the logo's origin). */
export function sitePolicy(config: Pick<Config, "brand"> | null): PolicyOptions {
  const logo = config?.brand.logoUrl;
  return { imageOrigins: logo ? [new URL(logo).origin] : [] };
}

/** Headers every auth response carries (pages, JSON, errors, redirects). */
export function authResponseHeadersFor(config: Pick<Config, "brand"> | null): Readonly<Record<string, string>> {
  return {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": contentSecurityPolicy(sitePolicy(config)),
    "Cross-Origin-Opener-Policy": "same-origin",
  };
}

const formSourcesCache = new WeakMap<Config, string[]>();

/**
 * Where a form of the edge may lead besides its own origin, under APPS: a sign-in form on
 * the auth host ends, through redirects, on an app host's handoff, and "use another account"
 * on an app host goes on to the auth host (docs/access.md, "One sign-in for every app").
 * Browsers check `form-action` on every redirect of a form's navigation, so each host of
 * APPS (any port: the handoff binds the exact origin) and the auth host's origin are listed.
 * Without APPS, none: every form stays on its origin.
 */
function formSources(config: Config): string[] {
  const cached = formSourcesCache.get(config);
  if (cached) return cached;
  const authHost = hostnameOf(config.publicUrl.host);
  const scheme = config.publicUrl.protocol;
  const appHosts = config.access.apps.flatMap((app) => app.hosts).filter((host) => host !== authHost);
  const sources = config.access.configured ? [config.publicUrl.origin, ...appHosts.map((host) => `${scheme}//${host}:*`)] : [];
  formSourcesCache.set(config, sources);
  return sources;
}

/** `policy` with `sources` added to its form-action directive. */
function withFormSources(policy: string, sources: string[]): string {
  if (sources.length === 0) return policy;
  return policy
    .split("; ")
    .map((directive) => (directive.startsWith("form-action ") ? [directive, ...sources].join(" ") : directive))
    .join("; ");
}

/** authResponseHeadersFor(config) with the form-action of this deployment (see formSources): for pages answered outside the auth prefix's middleware. */
export function edgePageHeaders(config: Config): Record<string, string> {
  const headers = authResponseHeadersFor(config);
  return { ...headers, "Content-Security-Policy": withFormSources(headers["Content-Security-Policy"] ?? "", formSources(config)) };
}

/**
 * Sets the auth response headers on every response under the auth prefix, unless a handler
 * set its own CSP; either way the CSP's form-action gets this deployment's hosts (formSources).
 */
export function authResponseHeaders(config: Config): MiddlewareHandler {
  const headers = authResponseHeadersFor(config);
  const sources = formSources(config);
  return async function authResponseHeaders(c, next) {
    await next();
    for (const [name, value] of Object.entries(headers)) {
      if (name === "Content-Security-Policy" && c.res.headers.has(name)) continue;
      c.res.headers.set(name, value);
    }
    const csp = c.res.headers.get("Content-Security-Policy");
    if (csp !== null && sources.length > 0) c.res.headers.set("Content-Security-Policy", withFormSources(csp, sources));
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
 * True when the origin's own Strict-Transport-Security value asks at least as much as the
 * edge's: a max-age at least as long, and includeSubDomains whenever the edge sends it. A
 * preloaded domain's origin (`max-age=63072000; includeSubDomains; preload`) keeps its
 * value; a weaker or malformed one (`max-age=0`, two max-ages) never weakens the edge's.
 */
function keepsOriginPolicy(origin: string, edgeIncludesSubdomains: boolean): boolean {
  const directives = origin.split(";").map((d) => d.trim().toLowerCase());
  const [maxAge, ...more] = directives.filter((d) => d.startsWith("max-age="));
  if (maxAge === undefined || more.length > 0) return false;
  const raw = maxAge.slice("max-age=".length).replace(/^"(.*)"$/, "$1");
  if (!/^\d{1,12}$/.test(raw) || Number(raw) < HSTS_MAX_AGE_SECONDS) return false;
  return !edgeIncludesSubdomains || directives.includes("includesubdomains");
}

const strictTransportSecurityValues = new WeakMap<Config, string | null>();

/**
 * The Strict-Transport-Security value `response` must carry, or null to leave it as it is:
 * plain http, a WebSocket handshake (101), or a value of its own that asks at least as much
 * as the edge's (an origin's `preload` survives).
 */
export function strictTransportSecurityFor(config: Config, response: Response): string | null {
  let value = strictTransportSecurityValues.get(config);
  if (value === undefined) {
    value = strictTransportSecurity(config);
    strictTransportSecurityValues.set(config, value);
  }
  if (value === null || response.status === 101) return null;
  const current = response.headers.get("Strict-Transport-Security");
  if (current !== null && keepsOriginPolicy(current, config.hstsIncludeSubdomains)) return null;
  return value;
}

/**
 * Sets Strict-Transport-Security on every answer of the edge: its own pages, refusals and
 * errors, and the origin's proxied responses (the proxy sets it itself when it copies the
 * origin's answer: src/gate/proxy.ts). An origin's own value is kept when it asks at least
 * as much; otherwise the edge's replaces it, since the edge owns the host's transport policy.
 */
export function strictTransportSecurityHeader(config: Config): MiddlewareHandler {
  return async function strictTransportSecurityHeader(c, next) {
    await next();
    const value = strictTransportSecurityFor(config, c.res);
    if (value === null) return;
    try {
      c.res.headers.set("Strict-Transport-Security", value);
    } catch {
      // A response from fetch() (the origin's) has immutable headers: re-wrap it (the body stays
      // the origin's stream), then set. Setting on the copy first would not do: Hono's c.res
      // setter copies the old answer's headers, the origin's own value among them, over it.
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set("Strict-Transport-Security", value);
    }
  };
}
