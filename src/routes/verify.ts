/**
 * GET ${AUTH_PREFIX}/verify: forward-auth for nginx `auth_request`, Caddy `forward_auth` and
 * Traefik ForwardAuth (docs/forward-auth.md). The proxy asks with the client's cookies or
 * Authorization; we answer 204 with the identity headers (the assertion included) for it to
 * copy onto the upstream request, or 401.
 *
 * - On 401, `Sesame-Login-Url` holds the sign-in URL with `next` set to the original URI
 *   (X-Forwarded-Uri from Caddy/Traefik, X-Original-URI from nginx), for nginx to redirect to.
 * - With `?redirect=1`, browser navigations get that 302 directly: Caddy and Traefik hand
 *   any non-2xx answer of the auth endpoint to the client as it is.
 * Share links are not accepted here: their scope is a path the gate must see for itself.
 */
import { Hono } from "hono";
import type { Config } from "../config";
import { type AppEnv, authDeps } from "../env";
import { NotFoundError } from "../errors";
import { requireApp } from "../gate/app-of-request";
import { assertionFor } from "../gate/assertion";
import { authenticate } from "../gate/authenticate";
import { identityHeaders } from "../gate/origin-headers";
import { GATE_ANSWER_HEADERS, isNavigation, loginUrl, unauthenticatedResponse } from "../gate/refuse";

/** The original request's path and query as the proxy reports it (loginUrl checks it as any `next`). */
function originalUri(request: Request): string {
  return request.headers.get("X-Forwarded-Uri") ?? request.headers.get("X-Original-URI") ?? "/";
}

/** The proxies send the auth request as GET and the client's own method in X-Forwarded-Method. */
function isOriginalNavigation(request: Request): boolean {
  const method = (request.headers.get("X-Forwarded-Method") ?? request.method).toUpperCase();
  return (method === "GET" || method === "HEAD") && isNavigation(new Request(request.url, { headers: request.headers }));
}

export function verifyRoutes(config: Config) {
  const app = new Hono<AppEnv>();
  app.get(`${config.authPrefix}/verify`, async function forwardAuth(c) {
    // Forward-auth under APPS (per-app, for apps marked forwardAuth, deciding on the proxy's
    // original URI) is not built yet: rather than answer without the app's policies, refuse.
    if (config.access.configured) throw new NotFoundError();
    const app = requireApp(c);
    const request = c.req.raw;
    const deps = authDeps(c);
    const auth = await authenticate(deps, request, { app, pathname: "/", allowShare: false });
    if (!auth.principal) {
      const login = loginUrl(config, originalUri(request));
      if (new URL(request.url).searchParams.get("redirect") === "1" && isOriginalNavigation(request)) {
        return new Response(null, { status: 302, headers: { ...GATE_ANSWER_HEADERS, Location: login } });
      }
      const refused = unauthenticatedResponse(config, { invalidToken: auth.bearerRefused });
      refused.headers.set("Sesame-Login-Url", login);
      return refused;
    }
    const headers = identityHeaders(config, auth.principal, await assertionFor(config, app, auth.principal));
    for (const [name, value] of Object.entries(GATE_ANSWER_HEADERS)) headers.set(name, value);
    if (auth.setCookie) headers.append("Set-Cookie", auth.setCookie);
    return new Response(null, { status: 204, headers });
  });
  return app;
}
