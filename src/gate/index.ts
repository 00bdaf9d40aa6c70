/**
 * The gate (docs/gate.md, docs/access.md). edgeRoutes answer what the edge owns outside the
 * auth prefix (JWKS) plus forward-auth; gateRoutes take every other request of the host's
 * app and ask its policies: public (bypass) paths go to the origin without identity,
 * allowed requests go with a signed identity, the rest are sent to sign in (browsers),
 * refused with 401 (everything else), or refused with 403 when a sign-in would not help.
 */
import { type Context, Hono } from "hono";
import { type CompiledApp, decide } from "../access";
import { recordEvent } from "../audit/record-event";
import type { Config } from "../config";
import { type AppEnv, authDeps } from "../env";
import { BadRequestError } from "../errors";
import { serializeEdgeCookie } from "../http/cookies";
import { clientIp, userAgent } from "../http/request-info";
import { safeNext } from "../http/safe-next";
import { jwksRoutes } from "../routes/jwks";
import { verifyRoutes } from "../routes/verify";
import { accessRequestOf, requireApp } from "./app-of-request";
import { assertionFor } from "./assertion";
import { authenticate, bearerToken, looksLikeSesameToken } from "./authenticate";
import { forbiddenResponse, recordAccessDenied } from "./forbidden";
import { publicUrlFor } from "./origin-headers";
import { pathAndQueryWithoutShareToken, proxyToOrigin, shareTokenOf } from "./proxy";
import { GATE_ANSWER_HEADERS, refuseRequest } from "./refuse";
import { authenticateShareToken } from "./token-auth";

/** Routes outside AUTH_PREFIX that the edge itself answers (JWKS), and forward-auth. */
export function edgeRoutes(config: Config) {
  const app = new Hono<AppEnv>();
  app.route("/", jwksRoutes(config));
  app.route("/", verifyRoutes(config));
  return app;
}

/** The gate: every request not answered above is decided by its app's policies. */
export function gateRoutes(config: Config) {
  const router = new Hono<AppEnv>();
  router.all("*", async function gateRequest(c) {
    const app = requireApp(c);
    const request = c.req.raw;
    const url = c.get("url");
    const facts = accessRequestOf(app, request, url);

    // Asked first as nobody: a public path needs no session read, and what nobody is
    // refused (a deny on address or country) a sign-in cannot change.
    const anonymous = decide(app, null, facts);
    if (anonymous.decision === "bad-path")
      throw new BadRequestError(
        "path",
        "This address is ambiguous (an encoded slash, a double slash or a look-alike character). Check the link.",
      );
    if (anonymous.decision === "bypass") {
      const bearer = bearerToken(request);
      return proxyToOrigin(config, app, request, url, { dropAuthorization: bearer !== null && looksLikeSesameToken(bearer) });
    }

    const deps = authDeps(c);
    const shareToken = shareTokenOf(url);
    const redirectable = (request.method === "GET" || request.method === "HEAD") && !request.headers.has("Upgrade");
    if (shareToken !== null && redirectable) return moveShareTokenToCookie(c, app, shareToken, url);

    const auth = await authenticate(deps, request, {
      app,
      pathname: url.pathname,
      allowShare: true,
      appOrigin: publicUrlFor(config, app, url).origin,
      shareToken,
    });
    const pathAndQuery = pathAndQueryWithoutShareToken(url);
    if (!auth.principal) {
      if (anonymous.decision === "deny") return forbiddenResponse(config, request, { email: null, pathAndQuery });
      return refuseRequest(config, request, pathAndQuery, auth.bearerRefused);
    }
    const decision = decide(app, auth.principal, facts);
    const actsThroughShareLink = auth.principal.amr === "share";
    if (actsThroughShareLink && request.method !== "GET" && request.method !== "HEAD") refuseMethodOverrideParameter(url);
    if (decision.decision === "bypass") {
      return proxyToOrigin(config, app, request, url, {
        dropAuthorization: auth.authorizationIsOurs,
        dropMethodOverrides: actsThroughShareLink,
        setCookie: auth.setCookie,
      });
    }
    if (decision.decision !== "allow") {
      await recordAccessDenied(c, {
        app,
        principal: auth.principal,
        policy: decision.policy,
        pathname: url.pathname,
        ip: clientIp(request),
      });
      const refused = forbiddenResponse(config, request, { email: auth.principal.email, pathAndQuery });
      if (auth.setCookie) refused.headers.append("Set-Cookie", auth.setCookie);
      return refused;
    }
    return proxyToOrigin(config, app, request, url, {
      dropAuthorization: auth.authorizationIsOurs,
      dropMethodOverrides: actsThroughShareLink,
      identity: { principal: auth.principal, assertion: await assertionFor(config, app, auth.principal) },
      setCookie: auth.setCookie,
    });
  });
  return router;
}

/**
 * A share link's request may use only the methods the link allows (docs/gate.md, "Share
 * links"); `?_method=` is how Symfony, Laravel and Spring let a POST act as another. The gate
 * refuses it (on anything but a GET or HEAD) rather than quietly change the query the origin
 * receives.
 */
function refuseMethodOverrideParameter(url: URL): void {
  if (!url.search.toLowerCase().includes("method")) return;
  url.searchParams.forEach((_value, name) => {
    if (name.toLowerCase() === "_method") {
      throw new BadRequestError("_method", "A share link's request cannot carry _method: it may use only the methods the link allows.");
    }
  });
}

/**
 * `?sesame=TOKEN` on a page: a valid share token goes into the share cookie and the browser
 * is sent (303) to the same URL without it, so the token does not linger in history, logs or
 * Referer. An invalid one is dropped from the URL too: a signed-in user simply continues,
 * anyone else is sent to sign in (or refused) with the clean URL as `next`.
 */
async function moveShareTokenToCookie(c: Context<AppEnv>, app: CompiledApp, token: string, url: URL): Promise<Response> {
  const config = c.get("config");
  const deps = authDeps(c);
  const request = c.req.raw;
  const clean = pathAndQueryWithoutShareToken(url);
  const share = await authenticateShareToken(deps, token, app, url.pathname, request.method);
  // The request path is the client's: `//evil.example/x` must not become a Location to another host.
  const headers = new Headers({ ...GATE_ANSWER_HEADERS, Location: safeNext(clean, config.authPrefix) });
  if (share) {
    headers.append("Set-Cookie", serializeEdgeCookie(config, "share", token, (share.expiresAt - Date.now()) / 1000));
    await recordEvent(c.get("db"), {
      event: "token_verified",
      userId: share.principal.userId,
      reason: "share_link",
      ip: clientIp(request),
      userAgent: userAgent(request),
      detail: { scope: share.principal.scope, tokenHash: share.principal.sid },
    });
    return new Response(null, { status: 303, headers });
  }
  const auth = await authenticate(deps, request, { app, pathname: url.pathname, allowShare: true });
  if (!auth.principal) return refuseRequest(config, request, clean, auth.bearerRefused);
  if (auth.setCookie) headers.append("Set-Cookie", auth.setCookie);
  return new Response(null, { status: 303, headers });
}
