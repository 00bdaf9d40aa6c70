/**
 * CSRF defence for the browser forms under AUTH_PREFIX: a state-changing request is
 * accepted only when the browser says it comes from our own origin.
 *
 * - `Origin` present: it must equal PUBLIC_URL's origin exactly (another port or scheme, a
 *   sibling subdomain are all refused).
 * - No `Origin`, or `Origin: null`: `Sec-Fetch-Site: same-origin` is accepted (browsers set
 *   it, and pages cannot forge it). `null` must fall through to it: our pages send
 *   `Referrer-Policy: no-referrer`, and under that policy browsers send `Origin: null` on
 *   their own same-origin form POSTs (Fetch standard, "serializing a request origin");
 *   Chromium does, as test/e2e shows. An opaque origin elsewhere (a sandboxed frame, a
 *   data: URL) gets `Sec-Fetch-Site: cross-site` and is still refused.
 * - Neither: refused. Every browser that can run our forms sends one of the two on POST;
 *   a client that sends neither is not a browser form and has no business here.
 *
 * The admin API is exempt: it is authenticated by a bearer token, which a cross-site page
 * cannot attach, and its clients are scripts that send no Origin.
 */
import type { MiddlewareHandler } from "hono";
import type { Config } from "../config";
import { ForbiddenError } from "../errors";
import { isAppHost } from "../handoff";

/**
 * Only POST is checked: every state-changing route of the sign-in pages is a POST (a form
 * can send nothing else). Other methods reach no handler here and get the 404 they would
 * anyway; cross-site PUT, PATCH or DELETE cannot be sent without a CORS preflight.
 */
const CHECKED_METHOD = "POST";

/** True when the request may change state on behalf of the browser that sent it. */
export function isSameOriginRequest(request: Request, expectedOrigin: string): boolean {
  const origin = request.headers.get("Origin");
  if (origin !== null && origin !== "null") return origin === expectedOrigin;
  return request.headers.get("Sec-Fetch-Site") === "same-origin";
}

/**
 * Refuses (403) POSTs under the auth prefix that are not same-origin. `exemptPrefixes` pass with
 * everything below them (the bearer-token admin API); `exemptPaths` pass only as written, so a
 * route added later below one of them is checked unless someone exempts it on purpose.
 */
export function csrfProtection(config: Config, options: { exemptPrefixes?: string[]; exemptPaths?: string[] } = {}): MiddlewareHandler {
  const expectedOrigin = config.publicUrl.origin;
  const prefixes = options.exemptPrefixes ?? [];
  const paths = options.exemptPaths ?? [];
  return async function csrfProtection(c, next) {
    if (c.req.method === CHECKED_METHOD) {
      const path = new URL(c.req.url).pathname;
      const isExempt = paths.includes(path) || prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
      // An app host's own forms (logout) post to that host: its origin is the expected one.
      const url = new URL(c.req.url);
      const expected = isAppHost(config, url) ? url.origin : expectedOrigin;
      if (!isExempt && !isSameOriginRequest(c.req.raw, expected)) {
        throw new ForbiddenError("cross_site_request", "This form must be sent from this site's own page. Reload the page and try again.");
      }
    }
    await next();
  };
}
