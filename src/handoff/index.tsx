/**
 * One sign-in for every app (docs/access.md, "One sign-in for every app"):
 *
 * 1. startHandoff, on an app host, for a browser navigation without a session there: a state
 *    cookie on that host and a redirect to the auth host's AUTH_PREFIX/sso naming the app,
 *    the app host's origin, the return path and the state's hash.
 * 2. GET AUTH_PREFIX/sso, on the auth host: without a session there, the sign-in page, which
 *    comes back here through a signed `continue` value; with one, a single-use code bound to that session, the app, its origin,
 *    the path and the state hash, and a redirect to the app host's AUTH_PREFIX/handoff.
 * 3. GET AUTH_PREFIX/handoff, on the app host: the code is consumed, its bindings checked
 *    against this browser's state cookie and this host's origin, and a host-only session
 *    cookie naming the host (same session id) is set.
 */
import { Hono } from "hono";
import { hostnameOf } from "../access";
import { recordFailureEvent } from "../audit/record-failure";
import type { Config } from "../config";
import { type AppEnv, authDeps } from "../env";
import { BadRequestError, NotFoundError } from "../errors";
import { GATE_ANSWER_HEADERS } from "../gate/refuse";
import { clientIp, userAgent } from "../http/request-info";
import { safeNext } from "../http/safe-next";
import { continueNext, fitsContinue } from "../login/continue";
import { ErrorPage } from "../pages/error-page";
import { htmlPage, siteOf } from "../routes/auth-context";
import { continueSessionOnHost, readSession } from "../sessions";
import { timingSafeEqualSecrets } from "../tokens";
import { consumeHandoffCode, issueHandoffCode } from "./codes";
import { isStateHash, readState, stateFor, stateHash } from "./state";

/** True for a host of APPS that is not the auth host: it signs in through the handoff. */
export function isAppHost(config: Config, url: URL): boolean {
  return config.access.configured && hostnameOf(url.host) !== hostnameOf(config.publicUrl.host);
}

/**
 * The edge routes an app host serves under AUTH_PREFIX; every other one is a 404 there. The
 * stylesheet too: the pages of these routes (and the gate's 403) link it, and their CSP
 * allows styles from their own origin only.
 */
export function appHostServes(config: Config, pathname: string): boolean {
  const rest = pathname.slice(config.authPrefix.length);
  return pathname.startsWith(config.authPrefix) && ["/handoff", "/logout", "/me", "/verify", "/style.css"].includes(rest);
}

/** Step 1: the state cookie on the app host and the trip to the auth host. */
export async function startHandoff(config: Config, request: Request, pathAndQuery: string): Promise<Response> {
  const url = new URL(request.url);
  const app = config.access.appForHost(url.host);
  if (!app) throw new NotFoundError();
  const state = stateFor(config, request);
  const target = new URL(`${config.authPrefix}/sso`, config.publicUrl.origin);
  target.searchParams.set("app", app.name);
  target.searchParams.set("origin", url.origin);
  target.searchParams.set("next", pathAndQuery);
  target.searchParams.set("state", await stateHash(state.value));
  return new Response(null, { status: 302, headers: { ...GATE_ANSWER_HEADERS, Location: target.href, "Set-Cookie": state.setCookie } });
}

/** The app host's origin as the request names it, if it is one of `appName`'s hosts in APPS. */
function appOrigin(config: Config, appName: string, raw: string | undefined): string | null {
  let origin: URL;
  try {
    origin = new URL(raw ?? "");
  } catch {
    return null;
  }
  if (origin.origin !== raw || !isAppHost(config, origin)) return null;
  if (origin.protocol !== "https:" && (origin.protocol !== "http:" || config.publicUrl.protocol !== "http:")) return null;
  return config.access.appForHost(origin.host)?.name === appName ? origin.origin : null;
}

export function handoffRoutes(config: Config) {
  const router = new Hono<AppEnv>();

  // Step 2, on the auth host.
  router.get("/sso", async function issueHandoff(c) {
    const query = c.req.query();
    const app = config.access.configured ? config.access.appByName(query.app ?? "") : null;
    if (!app) throw BadRequestError.translated("app", "handoff.unknownApp");
    const origin = appOrigin(config, app.name, query.origin);
    if (!origin) throw BadRequestError.translated("origin", "handoff.unknownOrigin");
    if (!isStateHash(query.state)) throw BadRequestError.translated("state", "handoff.incomplete");
    const path = safeNext(query.next, config.authPrefix);

    const deps = authDeps(c);
    const check = await readSession(c.req.raw, deps);
    if (!check.ok) {
      const back = new URL(`${config.authPrefix}/sso`, config.publicUrl.origin);
      for (const [name, value] of Object.entries({ app: app.name, origin, next: path, state: query.state }))
        back.searchParams.set(name, value);
      // A page address too long to carry through sign-in: the browser comes back to the app's home page instead.
      if (!fitsContinue(back.pathname + back.search)) back.searchParams.set("next", "/");
      const next = await continueNext(config, back.pathname + back.search);
      return c.redirect(`${config.authPrefix}/login?next=${encodeURIComponent(next)}`, 302);
    }
    const code = await issueHandoffCode(c.var.db, {
      sessionId: check.identity.sessionId,
      app: app.name,
      origin,
      path,
      stateHash: query.state,
    });
    const response = c.redirect(`${origin}${config.authPrefix}/handoff?code=${code}`, 302);
    if (check.setCookie) response.headers.append("Set-Cookie", check.setCookie);
    return response;
  });

  // Step 3, on the app host.
  router.get("/handoff", async function completeHandoff(c) {
    const url = new URL(c.req.url);
    const app = c.var.app;
    if (!app || !isAppHost(config, url)) throw new NotFoundError();
    const code = c.req.query("code");
    if (!code) throw BadRequestError.translated("code", "handoff.noCode");
    const binding = await consumeHandoffCode(c.var.db, code);
    const state = readState(config, c.req.raw);
    let reason: string | null = null;
    let setCookie: string | null = null;
    if (!binding) reason = "unknown_used_or_expired";
    else if (!state || !(await timingSafeEqualSecrets(await stateHash(state), binding.stateHash))) reason = "state_mismatch";
    else if (binding.origin !== url.origin || binding.app !== app.name) reason = "wrong_app";
    else {
      setCookie = await continueSessionOnHost(authDeps(c), binding.sessionId, hostnameOf(url.host));
      if (!setCookie) reason = "session_ended";
    }
    if (reason !== null || !binding || !setCookie) {
      // Anyone can cause this at will, so it counts against the per-client bound (docs/storage.md).
      await recordFailureEvent(
        { config, db: c.var.db },
        {
          event: "handoff_refused",
          reason,
          ip: clientIp(c.req.raw),
          userAgent: userAgent(c.req.raw),
          detail: { app: app.name },
        },
      );
      const { t } = siteOf(c).i18n;
      return htmlPage(
        c,
        <ErrorPage
          site={siteOf(c)}
          title={t("handoff.title")}
          message={t("handoff.failed")}
          action={{ href: "/", label: t("handoff.openApp") }}
        />,
        400,
      );
    }
    const headers = new Headers({ Location: binding.path });
    // The state cookie stays until it expires: another tab's handoff may still need it.
    headers.append("Set-Cookie", setCookie);
    return new Response(null, { status: 303, headers });
  });
  return router;
}
