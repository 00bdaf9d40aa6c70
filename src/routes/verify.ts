/**
 * GET ${AUTH_PREFIX}/verify: forward-auth for nginx `auth_request`, Caddy `forward_auth` and
 * Traefik ForwardAuth (docs/forward-auth.md). The proxy asks with the client's cookies or
 * Authorization; we answer 204 with the identity headers (the assertion included) for it to
 * copy onto the upstream request, 401, or 403.
 *
 * - Under APPS, only for an app marked `forwardAuth` (the app of the request's Host), deciding
 *   with its policies (src/access, as the gate does) on the original request the proxy
 *   reports (forwarded-request.ts); without APPS, every signed-in user passes, as before.
 * - On 401, `Sesame-Login-Url` holds where to sign in, with `next` set to the original URI,
 *   for nginx to redirect to; on an app host that is the trip to the auth host (the handoff),
 *   whose state cookie comes along in Set-Cookie.
 * - With `?redirect=1`, browser navigations get that 302 directly: Caddy and Traefik hand
 *   any non-2xx answer of the auth endpoint to the client as it is.
 * Share links are not accepted here: their scope is a path the gate must see for itself.
 */
import { type Context, Hono } from "hono";
import { type CompiledApp, decide } from "../access";
import type { Config } from "../config";
import { type AppEnv, authDeps } from "../env";
import { BadRequestError, NotFoundError } from "../errors";
import { requireApp } from "../gate/app-of-request";
import { assertionFor } from "../gate/assertion";
import { authenticate } from "../gate/authenticate";
import { forbiddenResponse, recordAccessDenied } from "../gate/forbidden";
import { forwardedClient, readOriginalRequest } from "../gate/forwarded-request";
import { identityHeaders } from "../gate/origin-headers";
import type { Principal } from "../gate/principal";
import { GATE_ANSWER_HEADERS, isNavigation, loginUrl, unauthenticatedResponse } from "../gate/refuse";
import { isAppHost, startHandoff } from "../handoff";
import { clientIp } from "../http/request-info";
import { safeNext } from "../http/safe-next";

/** Without APPS: the original path and query, used only to build `next`. */
function legacyOriginalUri(request: Request): string {
  return request.headers.get("X-Forwarded-Uri") ?? request.headers.get("X-Original-URI") ?? "/";
}

/** The proxies send the auth request as GET and the client's own method in X-Forwarded-Method. */
function isOriginalNavigation(request: Request): boolean {
  const method = (request.headers.get("X-Forwarded-Method") ?? request.method).toUpperCase();
  return (method === "GET" || method === "HEAD") && isNavigation(new Request(request.url, { headers: request.headers }));
}

function answer(status: number, headers: Headers = new Headers(), setCookie: string | null = null): Response {
  for (const [name, value] of Object.entries(GATE_ANSWER_HEADERS)) headers.set(name, value);
  if (setCookie) headers.append("Set-Cookie", setCookie);
  return new Response(null, { status, headers });
}

async function allowed(config: Config, app: CompiledApp, principal: Principal, setCookie: string | null): Promise<Response> {
  return answer(204, identityHeaders(config, principal, await assertionFor(config, app, principal)), setCookie);
}

/**
 * A public path: 204 with the identity headers present and empty. A proxy that copies them
 * then overwrites a client's copies with nothing; Caddy 2.6 would otherwise set the names of
 * absent ones to its own unreplaced placeholder text (docs/forward-auth.md).
 */
function publicAnswer(config: Config, setCookie: string | null = null): Response {
  const headers = new Headers();
  identityHeaders(config, { userId: "", email: "", sid: "", amr: "link", groups: [] }, "").forEach((_value, name) => {
    headers.set(name, "");
  });
  return answer(204, headers, setCookie);
}

/** Nobody signed in: where to sign in (through the handoff on an app host), as a 302 or a 401. */
async function signIn(config: Config, request: Request, pathAndQuery: string, invalidToken: boolean): Promise<Response> {
  const next = safeNext(pathAndQuery, config.authPrefix);
  let login = loginUrl(config, next);
  let setCookie: string | null = null;
  if (isAppHost(config, new URL(request.url))) {
    const start = await startHandoff(config, request, next);
    login = start.headers.get("Location") ?? login;
    setCookie = start.headers.get("Set-Cookie");
  }
  if (new URL(request.url).searchParams.get("redirect") === "1" && isOriginalNavigation(request)) {
    return answer(302, new Headers({ Location: login }), setCookie);
  }
  const refused = unauthenticatedResponse(config, { invalidToken });
  refused.headers.set("Sesame-Login-Url", login);
  if (setCookie) refused.headers.append("Set-Cookie", setCookie);
  return refused;
}

/** An app of APPS marked forwardAuth: its policies decide on the request the proxy reports. */
async function verifyForApp(c: Context<AppEnv>, app: CompiledApp): Promise<Response> {
  const config = c.var.config;
  const request = c.req.raw;
  const original = readOriginalRequest(config, app, request);
  const client = await forwardedClient(config, app, request);
  if (client === null) {
    // The policies read the client's address or country, and the proxy did not prove itself:
    // nothing it says about the client is believed, and nothing is guessed (docs/forward-auth.md).
    console.log(JSON.stringify({ level: "warn", msg: "forward_auth_unproven", app: app.name }));
    return forbiddenResponse(config, request, { email: null, pathAndQuery: original.pathAndQuery });
  }
  const facts = { pathname: original.pathname, ip: client.ip, country: client.country };
  const anonymous = decide(app, null, facts);
  if (anonymous.decision === "bad-path") {
    throw new BadRequestError(
      "path",
      "This address is ambiguous (an encoded slash, a double slash or a look-alike character). Check the link.",
    );
  }
  if (anonymous.decision === "bypass") return publicAnswer(config);

  const auth = await authenticate(authDeps(c), request, { app, pathname: original.pathname, allowShare: false });
  if (!auth.principal) {
    if (anonymous.decision === "deny") return forbiddenResponse(config, request, { email: null, pathAndQuery: original.pathAndQuery });
    return signIn(config, request, original.pathAndQuery, auth.bearerRefused);
  }
  const decision = decide(app, auth.principal, facts);
  if (decision.decision === "bypass") return publicAnswer(config, auth.setCookie);
  if (decision.decision !== "allow") {
    const ip = client.ip ?? clientIp(request);
    await recordAccessDenied(c, { app, principal: auth.principal, policy: decision.policy, pathname: original.pathname, ip });
    const refused = forbiddenResponse(config, request, { email: auth.principal.email, pathAndQuery: original.pathAndQuery });
    if (auth.setCookie) refused.headers.append("Set-Cookie", auth.setCookie);
    return refused;
  }
  return allowed(config, app, auth.principal, auth.setCookie);
}

export function verifyRoutes(config: Config) {
  const router = new Hono<AppEnv>();
  router.get(`${config.authPrefix}/verify`, async function forwardAuth(c) {
    const app = requireApp(c);
    // Under APPS, only apps marked forwardAuth are asked this way; the others are gated.
    if (!app.forwardAuth) throw new NotFoundError();
    if (!app.implicit) return verifyForApp(c, app);
    // Without APPS: every signed-in user passes, and the forwarded headers serve only `next`.
    const request = c.req.raw;
    const auth = await authenticate(authDeps(c), request, { app, pathname: "/", allowShare: false });
    if (!auth.principal) return signIn(config, request, legacyOriginalUri(request), auth.bearerRefused);
    return allowed(config, app, auth.principal, auth.setCookie);
  });
  return router;
}
