/**
 * GET AUTH_PREFIX/oidc/authorize (OpenID Connect Core section 3.1.2; docs/oidc.md): the
 * authorization code flow with PKCE S256. A request naming an unknown client or an
 * unregistered redirect_uri gets an error page and never a redirect (RFC 6749 section
 * 4.1.2.1); every later error goes back to the client's redirect_uri. A browser without a
 * fitting session signs in first and comes back here through a signed `continue` value.
 */
import type { Context } from "hono";
import type { AuthMethod } from "../access/types";
import { recordEvent } from "../audit/record-event";
import type { Config } from "../config";
import { type AppEnv, authDeps } from "../env";
import { requestFacts } from "../gate/app-of-request";
import { clientIp, userAgent } from "../http/request-info";
import { continueNext } from "../login/continue";
import { ErrorPage } from "../pages/error-page";
import { ForbiddenPage } from "../pages/forbidden-page";
import { htmlPage, siteOf } from "../routes/auth-context";
import { readSession } from "../sessions";
import { findSession } from "../sessions/store";
import { findUserById } from "../users/store";
import { findClient } from "./clients";
import { issueCode } from "./codes";
import { readFreshAfter, setFreshAfter } from "./fresh-sign-in";
import { repeatedParam } from "./params";
import { grantedScopes } from "./scopes";
import { sidOfSession } from "./session-sid";
import { maySignIn } from "./who-may-sign-in";

/** RFC 7636 section 4.2: BASE64URL(SHA256(verifier)) is always 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_STATE_LENGTH = 512;
const MAX_NONCE_LENGTH = 256;
/**
 * The whole query must fit in a `continue` value (src/login/continue.ts keeps the sign-in's
 * `next` short), with room for the prefix and our own parameter: real requests are about 400.
 */
const MAX_QUERY_LENGTH = 1200;

/** Redirects to the client with an error (RFC 6749 section 4.1.2.1), `state` as given and `iss` (RFC 9207). */
function redirectWithError(config: Config, redirectUri: string, state: string | null, error: string, description: string): Response {
  const target = new URL(redirectUri);
  target.searchParams.set("error", error);
  target.searchParams.set("error_description", description);
  if (state !== null) target.searchParams.set("state", state);
  target.searchParams.set("iss", config.publicUrl.origin);
  return new Response(null, { status: 302, headers: { Location: target.href } });
}

/** Where the browser signs in first: the sign-in page, which comes back to `pathAndQuery` through a signed continue value. */
async function signInFirst(config: Config, pathAndQuery: string): Promise<Response> {
  const next = await continueNext(config, pathAndQuery);
  return new Response(null, { status: 302, headers: { Location: `${config.authPrefix}/login?next=${encodeURIComponent(next)}` } });
}

export async function authorize(c: Context<AppEnv>): Promise<Response> {
  const config = c.var.config;
  const site = siteOf(c);
  const { t } = site.i18n;
  const url = new URL(c.req.url);
  const q = url.searchParams;
  const errorPage = (message: string) => htmlPage(c, <ErrorPage site={site} title={t("oidc.invalidTitle")} message={message} />, 400);

  // RFC 6749 section 3.1: no parameter may appear twice.
  const repeated = repeatedParam(q);
  if (repeated !== null) return errorPage(t("oidc.repeatedParam", { name: repeated.slice(0, 40) }));
  const client = await findClient(c.var.db, q.get("client_id"));
  if (!client) return errorPage(t("oidc.unknownClient"));
  const redirectUri = q.get("redirect_uri");
  if (!redirectUri || !client.redirectUris.includes(redirectUri)) {
    return errorPage(t("oidc.unknownRedirect"));
  }
  const state = q.get("state");
  const fail = (error: string, description: string) => redirectWithError(config, redirectUri, state, error, description);

  if (url.search.length > MAX_QUERY_LENGTH) return fail("invalid_request", `the request must be at most ${MAX_QUERY_LENGTH} characters`);
  if (state !== null && state.length > MAX_STATE_LENGTH)
    return fail("invalid_request", `state must be at most ${MAX_STATE_LENGTH} characters`);
  if (q.has("request")) return fail("request_not_supported", "request objects are not supported");
  if (q.has("request_uri")) return fail("request_uri_not_supported", "request_uri is not supported");
  if (q.get("response_type") !== "code") return fail("unsupported_response_type", "response_type must be code");
  const responseMode = q.get("response_mode");
  if (responseMode !== null && responseMode !== "query") return fail("invalid_request", "response_mode must be query");
  const scopes = grantedScopes(q.get("scope"));
  if (!scopes.includes("openid")) return fail("invalid_scope", "scope must include openid");

  const challenge = q.get("code_challenge");
  const method = q.get("code_challenge_method");
  if (challenge !== null) {
    if (method !== "S256") return fail("invalid_request", "code_challenge_method must be S256");
    if (!S256_CHALLENGE.test(challenge))
      return fail("invalid_request", "code_challenge must be an S256 challenge (43 base64url characters)");
  } else if (method !== null) {
    return fail("invalid_request", "code_challenge_method was sent without code_challenge");
  } else if (client.type === "public") {
    return fail("invalid_request", "code_challenge (PKCE, S256) is required for this client");
  }
  const nonce = q.get("nonce");
  if (nonce !== null && nonce.length > MAX_NONCE_LENGTH)
    return fail("invalid_request", `nonce must be at most ${MAX_NONCE_LENGTH} characters`);
  const prompts = new Set((q.get("prompt") ?? "").split(" ").filter(Boolean));
  if (prompts.has("none") && prompts.size > 1) return fail("invalid_request", "prompt=none cannot be combined with other values");
  const maxAgeRaw = q.get("max_age");
  if (maxAgeRaw !== null && !/^\d{1,9}$/.test(maxAgeRaw)) return fail("invalid_request", "max_age must be a whole number of seconds");
  const now = Date.now();
  // Only a value this edge signed for this very request counts (src/oidc/fresh-sign-in.ts).
  const freshAfter = await readFreshAfter(config, q, now);

  const deps = authDeps(c);
  const check = await readSession(c.req.raw, deps);
  const session = check.ok ? await findSession(c.var.db, check.identity.sessionId) : null;
  const authTimeMs = session?.createdAt ?? 0;
  // prompt=login stays in the request: on the way back only a session started after the signed moment satisfies it.
  // That session is the sign-in max_age forced, so it satisfies max_age too: the way back takes a
  // moment, and max_age=0 (OpenID Connect Core section 3.1.2.1: prompt=login) would otherwise ask forever.
  const signedInForThis = freshAfter !== null && authTimeMs >= freshAfter;
  const tooOld =
    (prompts.has("login") && freshAfter === null) ||
    (freshAfter !== null && !signedInForThis) ||
    (maxAgeRaw !== null && !signedInForThis && now - authTimeMs > Number(maxAgeRaw) * 1000);
  if (!check.ok || !session || tooOld) {
    if (prompts.has("none")) return fail("login_required", "the user is not signed in");
    // Coming back, a forced sign-in is recognised by when the session started, under our signature.
    const back = new URL(url);
    if (tooOld) {
      await setFreshAfter(config, back.searchParams, now);
      // Re-serialising percent-encodes what browsers send raw, like "(" or "'": up to three times longer.
      if (back.search.length > MAX_QUERY_LENGTH) {
        return fail("invalid_request", `the request must be at most ${MAX_QUERY_LENGTH} characters`);
      }
    }
    return signInFirst(config, `${config.authPrefix}/oidc/authorize${back.search}`);
  }

  const user = await findUserById(c.var.db, check.identity.userId);
  const facts = requestFacts(c.req.raw, url);
  const amr = check.identity.amr as AuthMethod;
  const verdict = user ? await maySignIn(config, c.var.db, client, user, { amr, ip: facts.ip, country: facts.country }) : null;
  if (!user || !verdict?.ok) {
    await recordEvent(c.var.db, {
      event: "access_denied",
      userId: check.identity.userId,
      reason: verdict && !verdict.ok ? `oidc_${verdict.reason}` : "oidc_no_user",
      ip: clientIp(c.req.raw),
      userAgent: userAgent(c.req.raw),
      detail: { client: client.clientId, app: client.app },
    });
    const next = await continueNext(config, `${config.authPrefix}/oidc/authorize${url.search}`);
    const page = <ForbiddenPage site={site} email={check.identity.email} next={next} />;
    const response = htmlPage(c, page, 403);
    if (check.setCookie) response.headers.append("Set-Cookie", check.setCookie);
    return response;
  }

  const code = await issueCode(
    c.var.db,
    {
      clientId: client.clientId,
      userId: user.id,
      redirectUri,
      codeChallenge: challenge,
      scope: scopes.join(" "),
      nonce,
      securityStamp: user.securityStamp,
      authTime: Math.floor(authTimeMs / 1000),
      amr,
      ip: facts.ip,
      country: facts.country,
      sid: await sidOfSession(config, session.id),
    },
    // biome-ignore lint/style/noNonNullAssertion: the routes exist only when config.oidc is set
    config.oidc!.codeTtlSeconds,
    now,
  );
  const target = new URL(redirectUri);
  target.searchParams.set("code", code);
  if (state !== null) target.searchParams.set("state", state);
  target.searchParams.set("iss", config.publicUrl.origin);
  const response = new Response(null, { status: 302, headers: { Location: target.href } });
  if (check.setCookie) response.headers.append("Set-Cookie", check.setCookie);
  return response;
}
