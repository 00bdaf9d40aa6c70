/**
 * GET or POST AUTH_PREFIX/oidc/userinfo (OpenID Connect Core section 5.3): the claims the
 * access token's scopes grant, for a live token whose user is still active and in the same
 * security state as when it was issued. Errors per RFC 6750 section 3.1, with CORS.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { groupsOfUser } from "../groups/store";
import { findUserById } from "../users/store";
import { scopedClaims } from "./id-token";
import { CORS_HEADERS, oauthJson } from "./responses";
import { findLiveToken } from "./tokens";

function invalidToken(): Response {
  return new Response(JSON.stringify({ error: "invalid_token", error_description: "the access token is invalid or expired" }), {
    status: 401,
    headers: {
      ...CORS_HEADERS,
      "Cache-Control": "no-store",
      "Content-Type": "application/json; charset=utf-8",
      "WWW-Authenticate": 'Bearer error="invalid_token"',
    },
  });
}

export async function userinfo(c: Context<AppEnv>): Promise<Response> {
  const header = c.req.header("Authorization") ?? "";
  // RFC 6750 section 2.1 only: a token in the query would end up in logs.
  const presented = /^bearer /i.test(header) ? header.slice(7).trim() : "";
  if (!presented) {
    return new Response(null, { status: 401, headers: { ...CORS_HEADERS, "Cache-Control": "no-store", "WWW-Authenticate": "Bearer" } });
  }
  const token = await findLiveToken(c.var.db, presented, "access");
  if (!token) return invalidToken();
  const user = await findUserById(c.var.db, token.userId);
  // Sign-out everywhere, revoke-all and deactivation replace the stamp; a deleted user took the row with it.
  if (!user?.isActive || user.securityStamp !== token.securityStamp) return invalidToken();
  const scopes = new Set(token.scope.split(" "));
  const groups = scopes.has("groups") ? await groupsOfUser(c.var.db, user.id) : [];
  return oauthJson({ sub: user.id, ...scopedClaims(user, scopes, groups) });
}
