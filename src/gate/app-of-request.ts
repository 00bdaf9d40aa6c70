/**
 * Which app a request is for (its host, resolved once per request in app.ts) and what the
 * app's policies may read of it.
 */
import type { Context } from "hono";
import type { AccessRequest, CompiledApp } from "../access";
import type { AppEnv } from "../env";
import { NotFoundError } from "../errors";
import { clientIp } from "../http/request-info";

/** What policies may read of a request: its path, and the address and country Cloudflare reports. */
export function requestFacts(request: Request, url: URL): AccessRequest {
  const ip = clientIp(request);
  const country = (request as { cf?: { country?: unknown } }).cf?.country;
  return { pathname: url.pathname, ip: ip === "unknown" ? null : ip, country: typeof country === "string" ? country : null };
}

/**
 * What decide() needs of a gated request. The address and country only for an app whose
 * policies name one, and then only once a policy of the path being decided asks: reading
 * `request.cf` parses Cloudflare's metadata, a cost on every request (docs/benchmarks.md),
 * and no other decision can depend on them.
 */
export function accessRequestOf(app: CompiledApp, request: Request, url: URL): AccessRequest {
  if (!app.readsClientAddress) return { pathname: url.pathname, ip: null, country: null };
  let facts: AccessRequest | undefined;
  const read = () => {
    facts ??= requestFacts(request, url);
    return facts;
  };
  return {
    pathname: url.pathname,
    get ip() {
      return read().ip;
    },
    get country() {
      return read().country;
    },
  };
}

/** The app of this request's host; none (the auth host when it is not an app) is a 404, and nothing is proxied. */
export function requireApp(c: Context<AppEnv>): CompiledApp {
  const app = c.get("app");
  if (!app) throw new NotFoundError();
  return app;
}
