/**
 * The gate (DESIGN.md section 4). edgeRoutes answer what the edge owns outside the auth
 * prefix (JWKS) plus forward-auth; gateRoutes take every other request: public paths go
 * to the origin without identity, authenticated requests go with a signed identity, the
 * rest are sent to sign in (browsers) or refused (everything else).
 */
import { type Context, Hono } from "hono";
import { recordEvent } from "../audit/record-event";
import type { Config } from "../config";
import type { AppEnv } from "../env";
import { clientIp, userAgent } from "../http/request-info";
import { jwksRoutes } from "../routes/jwks";
import { verifyRoutes } from "../routes/verify";
import { assertionFor } from "./assertion";
import { authenticate, bearerToken, looksLikeSesameToken } from "./authenticate";
import { serializeShareCookie } from "./cookies";
import { isPublicPath } from "./paths";
import { pathAndQueryWithoutShareToken, proxyToOrigin, SHARE_PARAM } from "./proxy";
import { GATE_ANSWER_HEADERS, refuseRequest } from "./refuse";
import { authenticateShareToken, SHARE_SID_CHARS } from "./token-auth";

/** Routes outside AUTH_PREFIX that the edge itself answers (JWKS), and forward-auth. */
export function edgeRoutes(config: Config) {
  const app = new Hono<AppEnv>();
  app.route("/", jwksRoutes(config));
  app.route("/", verifyRoutes(config));
  return app;
}

/** The gate: every request not answered above is authenticated and proxied to the origin. */
export function gateRoutes(config: Config) {
  const app = new Hono<AppEnv>();
  app.all("*", async function gateRequest(c) {
    const request = c.req.raw;
    const url = new URL(request.url);

    if (isPublicPath(config.origin.publicPaths, url.pathname)) {
      const bearer = bearerToken(request);
      return proxyToOrigin(config, request, { dropAuthorization: bearer !== null && looksLikeSesameToken(bearer) });
    }

    const deps = { config, db: c.var.db, kv: c.env.REVOKED };
    const shareToken = url.searchParams.get(SHARE_PARAM);
    const redirectable = (request.method === "GET" || request.method === "HEAD") && !request.headers.has("Upgrade");
    if (shareToken !== null && redirectable) return moveShareTokenToCookie(c, shareToken, url);

    const auth = await authenticate(deps, request, { pathname: url.pathname, allowShare: true, shareToken });
    if (!auth.principal) return refuseRequest(config, request, pathAndQueryWithoutShareToken(url), auth.bearerRefused);
    return proxyToOrigin(config, request, {
      dropAuthorization: auth.authorizationIsOurs,
      identity: { principal: auth.principal, assertion: await assertionFor(config, auth.principal) },
      setCookie: auth.setCookie,
    });
  });
  return app;
}

/**
 * `?sesame=TOKEN` on a page: a valid share token goes into the share cookie and the browser
 * is sent (303) to the same URL without it, so the token does not linger in history, logs or
 * Referer. An invalid one is dropped from the URL too: a signed-in user simply continues,
 * anyone else is sent to sign in (or refused) with the clean URL as `next`.
 */
async function moveShareTokenToCookie(c: Context<AppEnv>, token: string, url: URL): Promise<Response> {
  const config = c.var.config;
  const deps = { config, db: c.var.db, kv: c.env.REVOKED };
  const request = c.req.raw;
  const clean = pathAndQueryWithoutShareToken(url);
  const share = await authenticateShareToken(deps, token, url.pathname);
  const headers = new Headers({ ...GATE_ANSWER_HEADERS, Location: clean });
  if (share) {
    headers.append("Set-Cookie", serializeShareCookie(config, token, (share.expiresAt - Date.now()) / 1000));
    await recordEvent(c.var.db, {
      event: "token_verified",
      userId: share.principal.userId,
      reason: "share_link",
      ip: clientIp(request),
      userAgent: userAgent(request),
      detail: { scope: share.principal.scope ?? null, tokenHash: share.principal.sid.slice(0, SHARE_SID_CHARS) },
    });
    return new Response(null, { status: 303, headers });
  }
  const auth = await authenticate(deps, request, { pathname: url.pathname, allowShare: true });
  if (!auth.principal) return refuseRequest(config, request, clean, auth.bearerRefused);
  if (auth.setCookie) headers.append("Set-Cookie", auth.setCookie);
  return new Response(null, { status: 303, headers });
}
