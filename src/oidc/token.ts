/**
 * POST AUTH_PREFIX/oidc/token (RFC 6749 sections 4.1.3 and 6; docs/oidc.md, "Token
 * endpoint"). Called by relying parties, not by our pages: exempt from the same-origin check
 * (it reads no cookie), answers CORS, and every answer is `no-store`. Errors are RFC 6749
 * section 5.2 objects; the reason behind an `invalid_grant` goes to the audit log only.
 */
import type { Context } from "hono";
import type { AuthMethod } from "../access/types";
import { recordFailureEvent } from "../audit/record-failure";
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { User } from "../db/schema";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { groupsOfUser } from "../groups/store";
import { readBodyWithLimit } from "../http/read-body";
import { clientIp, userAgent } from "../http/request-info";
import { encodeBase64url, sha256, timingSafeEqualSecrets } from "../tokens";
import { findUserById } from "../users/store";
import { authenticateClient } from "./client-auth";
import type { Client } from "./clients";
import { exchangeCode } from "./codes";
import { signIdToken } from "./id-token";
import { repeatedParam } from "./params";
import { oauthError, oauthJson } from "./responses";
import { grantedScopes } from "./scopes";
import {
  ACCESS_TOKEN_SECONDS,
  type GrantFacts,
  revokeCodeGrant,
  revokeGrant,
  revokeIfGrantRevoked,
  rotateRefreshToken,
  tokenRows,
} from "./tokens";
import { maySignIn } from "./who-may-sign-in";

/** A token request is a handful of short fields; this leaves room for long codes and verifiers. */
const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;
/** RFC 7636 section 4.1. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** The form body, or an error answer. Each parameter at most once (RFC 6749 section 3.2). */
async function readParams(request: Request): Promise<URLSearchParams | Response> {
  const type = (request.headers.get("Content-Type") ?? "").replace(/;.*/s, "").trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    return oauthError("invalid_request", "the body must be application/x-www-form-urlencoded");
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBodyWithLimit(request, MAX_TOKEN_REQUEST_BYTES);
  } catch (error) {
    if (error instanceof AppError) return oauthError("invalid_request", "the request body is too large", error.status);
    throw error;
  }
  const params = new URLSearchParams(new TextDecoder().decode(bytes));
  if (repeatedParam(params) !== null) return oauthError("invalid_request", "a parameter is repeated");
  return params;
}

/**
 * The answer with a fresh access token and ID token for `accessScope` (the grant's scope, or the
 * narrower one a refresh asked for), and a refresh token of the grant's whole scope when it holds
 * `offline_access` (RFC 6749 section 6). Null when the grant was revoked while this request ran
 * (a replay of its code): the tokens just inserted are revoked with it, and nothing is issued.
 */
async function issueTokens(
  config: Config,
  db: Database,
  input: { client: Client; user: User; grant: GrantFacts; accessScope: string; nonce: string | null },
): Promise<Response | null> {
  const scopes = new Set(input.accessScope.split(" "));
  const withRefresh = input.grant.scope.split(" ").includes("offline_access");
  const { accessToken, refreshToken, insert } = await tokenRows(db, input.grant, { accessScope: input.accessScope, withRefresh });
  const [, revoked] = await db.batch([insert, revokeIfGrantRevoked(db, input.grant.grantId)]);
  if (revoked.length > 0) return null;
  const groups = scopes.has("groups") ? await groupsOfUser(db, input.user.id) : [];
  const idToken = await signIdToken(config, {
    client: input.client,
    user: input.user,
    scopes,
    authTime: input.grant.authTime,
    amr: input.grant.amr,
    nonce: input.nonce,
    sid: input.grant.sid,
    groups,
  });
  return oauthJson({
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_SECONDS,
    id_token: idToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: input.accessScope,
  });
}

/** RFC 7636 section 4.6: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge. */
async function verifierMatches(verifier: string, challenge: string): Promise<boolean> {
  return timingSafeEqualSecrets(encodeBase64url(await sha256(verifier)), challenge);
}

/** An invalid_grant answer; why goes to the audit log only. Anyone can cause this at will, so it counts against the per-client bound (docs/storage.md). */
async function refuseGrant(
  c: Context<AppEnv>,
  client: Client,
  description: string,
  reason: string,
  detail: Record<string, string | number> = {},
) {
  await recordFailureEvent(
    { config: c.var.config, db: c.var.db },
    {
      event: "oidc_grant_refused",
      reason,
      ip: clientIp(c.req.raw),
      userAgent: userAgent(c.req.raw),
      detail: { client: client.clientId, ...detail },
    },
  );
  return oauthError("invalid_grant", description);
}

async function codeGrant(c: Context<AppEnv>, client: Client, params: URLSearchParams): Promise<Response> {
  const config = c.var.config;
  const db = c.var.db;
  const code = params.get("code");
  if (!code) return oauthError("invalid_request", "code is required");
  const refused = (reason: string, detail: Record<string, string | number> = {}) =>
    refuseGrant(c, client, "the code is invalid, expired, already used, or was issued to another client or redirect URI", reason, detail);
  // RFC 6749 section 4.1.2, RFC 9700 section 4.5: a code used twice, or seen at a client it was not
  // issued to (a stolen code), revokes what was issued from it, even what is not inserted yet.
  const revokeAndRefuse = async (grantId: string, issuedTo: string, used: boolean) =>
    refused(issuedTo === client.clientId ? "code_replayed" : "code_other_client", {
      revoked: await revokeCodeGrant(db, grantId),
      alreadyUsed: used ? 1 : 0,
    });
  const exchange = await exchangeCode(db, code);
  if (!exchange.ok) {
    if (exchange.reason === "replayed") return revokeAndRefuse(exchange.grantId, exchange.clientId, true);
    return refused(`code_${exchange.reason}`);
  }
  const row = exchange.code;
  // This exchange burned the code: its own client's later use is a replay and is refused too.
  if (row.clientId !== client.clientId) return revokeAndRefuse(row.grantId, row.clientId, false);
  if (params.get("redirect_uri") !== row.redirectUri) return refused("redirect_uri_mismatch");
  const verifier = params.get("code_verifier");
  if (row.codeChallenge !== null) {
    if (verifier === null || !CODE_VERIFIER.test(verifier) || !(await verifierMatches(verifier, row.codeChallenge))) {
      return refused("pkce_failed");
    }
  } else if (verifier !== null) {
    // A verifier for a code issued without a challenge: a downgrade attempt (RFC 9700 section 2.1.1).
    return refused("pkce_unexpected");
  }
  const user = await findUserById(db, row.userId);
  if (!user?.isActive || user.securityStamp !== row.securityStamp) return refused("user_state_changed");
  const issued = await issueTokens(config, db, {
    client,
    user,
    nonce: row.nonce,
    accessScope: row.scope,
    grant: {
      grantId: row.grantId,
      clientId: client.clientId,
      userId: user.id,
      scope: row.scope,
      securityStamp: row.securityStamp,
      authTime: row.authTime,
      amr: row.amr,
      ip: row.ip,
      country: row.country,
      sid: row.sid,
    },
  });
  return issued ?? refused("code_replayed_during_exchange");
}

/**
 * What a refresh's `scope` asks for (RFC 6749 section 6): `scopes` null when it names none (the
 * grant's whole scope), and `refusal` when it names a scope this provider does not know or
 * leaves out `openid`. Whether the grant holds the scopes is checked when the token is rotated;
 * a refused request still goes through that check, so another client's use revokes the grant.
 */
function refreshScopes(params: URLSearchParams): { scopes: string[] | null; refusal: string | null } {
  const raw = params.get("scope");
  if (raw === null) return { scopes: null, refusal: null };
  const known = grantedScopes(raw);
  if (raw.split(" ").some((scope) => scope !== "" && !known.includes(scope))) {
    return { scopes: known, refusal: "scope may only name scopes of the original grant" };
  }
  return { scopes: known, refusal: known.includes("openid") ? null : "scope must include openid" };
}

/**
 * RFC 6749 section 6, with rotation (RFC 9700 section 4.14.2): the refresh token is replaced
 * by one conditional update, which also checks the client and the scope, so a refused request
 * leaves the token as it was; a second use of an old one revokes the whole grant, unless it
 * comes within OIDC_REFRESH_REUSE_GRACE of the rotation (two concurrent refreshes of one
 * relying party). The user and the client's app's policies are checked again each time.
 */
async function refreshGrant(c: Context<AppEnv>, client: Client, params: URLSearchParams): Promise<Response> {
  const config = c.var.config;
  const db = c.var.db;
  const presented = params.get("refresh_token");
  if (!presented) return oauthError("invalid_request", "refresh_token is required");
  const asked = refreshScopes(params);
  const narrower = asked.scopes;
  const refused = (reason: string, detail: Record<string, string | number> = {}) =>
    refuseGrant(c, client, "the refresh token is invalid, expired, revoked or already used", reason, detail);
  // A refused scope never rotates; the token is still looked at, so another client's use is caught.
  const request = { clientId: client.clientId, scopes: asked.refusal === null ? (narrower ?? []) : null };
  // biome-ignore lint/style/noNonNullAssertion: the routes exist only when config.oidc is set
  const rotation = await rotateRefreshToken(db, presented, request, config.oidc!.refreshReuseGraceSeconds);
  if (!rotation.ok) {
    if (rotation.reason === "scope") {
      return oauthError("invalid_scope", asked.refusal ?? "scope may only name scopes of the original grant");
    }
    if (rotation.reason === "other_client") {
      return refused("refresh_other_client", { revoked: await revokeGrant(db, rotation.token.grantId) });
    }
    if (rotation.reason !== "reused") return refused(`refresh_${rotation.reason}`);
    if (rotation.withinGrace && rotation.token.clientId === client.clientId) return refused("refresh_reused_within_grace");
    // A rotated token used again: someone else holds a copy (RFC 9700 section 4.14.2).
    return refused("refresh_reused", { revoked: await revokeGrant(db, rotation.token.grantId) });
  }
  const row = rotation.token;
  const revokeAndRefuse = async (reason: string) => refused(reason, { revoked: await revokeGrant(db, row.grantId) });
  const user = await findUserById(db, row.userId);
  // Sign-out everywhere, revoke-all and deactivation replace the stamp (docs/oidc.md, "Refresh tokens").
  if (!user?.isActive || user.securityStamp !== row.securityStamp) return revokeAndRefuse("user_state_changed");
  const verdict = await maySignIn(config, db, client, user, { amr: row.amr as AuthMethod, ip: row.ip, country: row.country });
  if (!verdict.ok) return revokeAndRefuse(`policy_${verdict.reason}`);
  const { grantId, clientId, userId, scope, securityStamp, authTime, amr, ip, country, sid } = row;
  const issued = await issueTokens(config, db, {
    client,
    user,
    nonce: null,
    accessScope: narrower ? narrower.join(" ") : scope,
    grant: { grantId, clientId, userId, scope, securityStamp, authTime, amr, ip, country, sid },
  });
  return issued ?? refused("refresh_grant_revoked");
}

export async function token(c: Context<AppEnv>): Promise<Response> {
  const params = await readParams(c.req.raw);
  if (params instanceof Response) return params;
  const auth = await authenticateClient(c.var.db, c.req.raw, params);
  if (!auth.ok) return auth.response;
  const grantType = params.get("grant_type");
  if (grantType === "authorization_code") return codeGrant(c, auth.client, params);
  if (grantType === "refresh_token") return refreshGrant(c, auth.client, params);
  if (!grantType) return oauthError("invalid_request", "grant_type is required");
  return oauthError("unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
}
