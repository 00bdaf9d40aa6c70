/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0; docs/oidc.md, "Signing out"):
 * GET or POST AUTH_PREFIX/oidc/logout ends the edge session and returns only to a
 * post_logout_redirect_uri the client registered. With a valid id_token_hint issued under this
 * browser's session (its `sid`) it signs out at once; without one it asks first, and the person's answer is a
 * same-origin POST to AUTH_PREFIX/oidc/end-session, so no other site can sign anybody out.
 * A POST without the session cookie goes on as a GET (docs/oidc.md, "Signing out").
 */
import type { Context } from "hono";
import { createLocalJWKSet, decodeJwt, jwtVerify } from "jose";
import { recordEvent } from "../audit/record-event";
import type { Config } from "../config";
import { type AppEnv, authDeps } from "../env";
import { clientIp, userAgent } from "../http/request-info";
import { readForm } from "../login/form";
import { ErrorPage } from "../pages/error-page";
import { SignedOutPage } from "../pages/logout-page";
import { type Site, siteFor } from "../pages/site";
import { htmlPage } from "../routes/auth-context";
import { clearSessionCookie, readSession, readSessionClaims, revokeSession } from "../sessions";
import { type Client, findClient } from "./clients";
import { OidcLogoutPage } from "./logout-page";
import { onwardPage } from "./onward-page";
import { repeatedParam } from "./params";
import { isSidOfSession } from "./session-sid";
import { ID_TOKEN_ALGS, publicOidcJwk } from "./signing-keys";

const FIELDS = ["id_token_hint", "post_logout_redirect_uri", "client_id", "state"] as const;
const MAX_FIELD_LENGTH = 4096;

/**
 * The request's logout parameters, from the query (GET) or the form (POST), and the first one
 * sent more than once (`repeated`): none may be, or the first value would win unseen.
 */
async function readParams(c: Context<AppEnv>): Promise<{ params: URLSearchParams; repeated: string | null }> {
  if (c.req.method === "GET") {
    const params = new URL(c.req.url).searchParams;
    return { params, repeated: repeatedParam(params) };
  }
  const form = await readForm(c.req.raw);
  const params = new URLSearchParams();
  for (const name of FIELDS) {
    const value = form(name, MAX_FIELD_LENGTH);
    if (value) params.set(name, value);
  }
  return { params, repeated: repeatedParam(form) };
}

/** The error page for a repeated parameter, naming it (at most 40 characters of it, as authorize does). */
function repeatedParamPage(c: Context<AppEnv>, site: Site, name: string): Response {
  const { t } = site.i18n;
  return htmlPage(
    c,
    <ErrorPage site={site} title={t("oidcLogout.errorTitle")} message={t("oidcLogout.repeatedParam", { name: name.slice(0, 40) })} />,
    400,
  );
}

interface IdTokenHint {
  sub: string;
  clientId: string;
  /** The session the ID token was issued under (src/oidc/session-sid.ts); null for a token without one. */
  sid: string | null;
}

/**
 * The subject, client and session of an ID token this provider signed, or null. An expired one
 * still counts (the spec's hint is often older than the token's ten minutes); the signature, the
 * issuer and the audience must hold. Whether it may sign anyone out is `signsOutAtOnce`'s call.
 */
async function readIdTokenHint(config: Config, hint: string): Promise<IdTokenHint | null> {
  // biome-ignore lint/style/noNonNullAssertion: the routes exist only when config.oidc is set
  const keys = createLocalJWKSet({ keys: config.oidc!.signingKeys.map(publicOidcJwk) });
  try {
    const iat = decodeJwt(hint).iat;
    if (typeof iat !== "number") return null;
    const { payload } = await jwtVerify(hint, keys, {
      issuer: config.publicUrl.origin,
      algorithms: [...ID_TOKEN_ALGS],
      currentDate: new Date(iat * 1000),
    });
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (typeof payload.sub !== "string" || aud.length !== 1 || typeof aud[0] !== "string") return null;
    return { sub: payload.sub, clientId: aud[0], sid: typeof payload.sid === "string" ? payload.sid : null };
  } catch {
    return null;
  }
}

/**
 * True when `hint` was issued under this very session: same user, and a `sid` that is this
 * session's. Any other hint (an old session's, another user's, one without `sid`) proves only
 * that somebody once held an ID token, so the person is asked first.
 */
async function signsOutAtOnce(config: Config, hint: IdTokenHint | null, session: { userId: string; sessionId: string }): Promise<boolean> {
  if (!hint || hint.sid === null || hint.sub !== session.userId) return false;
  return isSidOfSession(config, hint.sid, session.sessionId);
}

type Target =
  | { ok: true; client: Client | null; redirect: string | null }
  | { ok: false; message: "oidcLogout.twoClients" | "oidcLogout.unknownRedirect" };

/** The client the request names and where it may return to: a registered URI, exactly, or nowhere. */
async function targetOf(c: Context<AppEnv>, params: URLSearchParams, hintClientId: string | null): Promise<Target> {
  const named = params.get("client_id");
  if (hintClientId !== null && named !== null && named !== hintClientId) {
    return { ok: false, message: "oidcLogout.twoClients" };
  }
  const clientId = hintClientId ?? named;
  const client = clientId ? await findClient(c.var.db, clientId) : null;
  const redirect = params.get("post_logout_redirect_uri");
  if (redirect === null) return { ok: true, client, redirect: null };
  if (!client?.postLogoutRedirectUris.includes(redirect)) {
    return { ok: false, message: "oidcLogout.unknownRedirect" };
  }
  return { ok: true, client, redirect };
}

/**
 * Ends this browser's session (a genuine cookie is enough, as POST /logout) and answers with the
 * redirect or the signed-out page. `fromOurForm`: the confirmation's POST, whose redirects may not
 * leave for the app (src/oidc/onward-page.tsx).
 */
async function endSession(
  c: Context<AppEnv>,
  target: { client: Client | null; redirect: string | null },
  state: string | null,
  fromOurForm = false,
): Promise<Response> {
  const config = c.var.config;
  const deps = authDeps(c);
  const claims = await readSessionClaims(c.req.raw, deps);
  if (claims) {
    const ended = await revokeSession(deps, claims.sid);
    await recordEvent(c.var.db, {
      event: "logout",
      userId: claims.sub,
      ip: clientIp(c.req.raw),
      userAgent: userAgent(c.req.raw),
      detail: { sessionId: claims.sid, ended, client: target.client?.clientId ?? null },
    });
  }
  const clear = { "Set-Cookie": clearSessionCookie(config) };
  if (target.redirect === null) return htmlPage(c, <SignedOutPage site={siteFor(config, c.req.raw)} />, 200, clear);
  const location = new URL(target.redirect);
  if (state !== null) location.searchParams.set("state", state);
  if (fromOurForm) return onwardPage(c, location.href, clear);
  return new Response(null, { status: 303, headers: { Location: location.href, ...clear } });
}

/** GET or POST AUTH_PREFIX/oidc/logout: called by relying parties (exempt from the same-origin check). */
export async function logout(c: Context<AppEnv>): Promise<Response> {
  const config = c.var.config;
  const site = siteFor(config, c.req.raw);
  const { t } = site.i18n;
  const { params, repeated } = await readParams(c);
  if (repeated !== null) return repeatedParamPage(c, site, repeated);
  const errorPage = (message: string) => htmlPage(c, <ErrorPage site={site} title={t("oidcLogout.errorTitle")} message={message} />, 400);
  const rawHint = params.get("id_token_hint");
  const hint = rawHint ? await readIdTokenHint(config, rawHint) : null;
  const target = await targetOf(c, params, hint?.clientId ?? null);
  if (!target.ok) return errorPage(t(target.message));
  // A relying party's cross-site form POST comes without the SameSite=Lax session cookie: the
  // same request as a top-level GET carries it, so the session is not left alive behind a "signed out".
  if (c.req.method === "POST" && (await readSessionClaims(c.req.raw, authDeps(c))) === null) {
    return new Response(null, { status: 303, headers: { Location: `${config.authPrefix}/oidc/logout?${params}` } });
  }
  const state = params.get("state");

  const check = await readSession(c.req.raw, authDeps(c));
  // Nobody signed in here, or the hint comes from this very session: nothing to ask.
  if (!check.ok || (await signsOutAtOnce(config, hint, check.identity))) return endSession(c, target, state);
  const fields: Record<string, string> = {};
  if (target.client) fields.client_id = target.client.clientId;
  if (target.redirect !== null) fields.post_logout_redirect_uri = target.redirect;
  if (state !== null) fields.state = state;
  const page = <OidcLogoutPage site={site} email={check.identity.email} clientName={target.client?.name ?? null} fields={fields} />;
  return htmlPage(c, page, 200, check.setCookie ? { "Set-Cookie": check.setCookie } : {});
}

/** POST AUTH_PREFIX/oidc/end-session: the person's "Sign out" on the confirmation page (same-origin checked). */
export async function confirmLogout(c: Context<AppEnv>): Promise<Response> {
  const config = c.var.config;
  const { params, repeated } = await readParams(c);
  if (repeated !== null) return repeatedParamPage(c, siteFor(config, c.req.raw), repeated);
  params.delete("id_token_hint");
  const target = await targetOf(c, params, null);
  if (!target.ok) {
    const site = siteFor(config, c.req.raw);
    const page = <ErrorPage site={site} title={site.i18n.t("oidcLogout.errorTitle")} message={site.i18n.t(target.message)} />;
    return htmlPage(c, page, 400);
  }
  return endSession(c, target, params.get("state"), true);
}
