/**
 * Admin endpoints for sesame tokens: issue one (the edge analogue of django-sesame's
 * get_query_string), revoke one, revoke all of a user's. The raw token appears only in the
 * response that issues it: the audit trail keeps a hash prefix.
 */
import { Hono } from "hono";
import { MIN_TOKEN_AGE_SECONDS, requireActive, revokeOneToken } from "../../admin/credentials";
import { resolveUser } from "../../admin/resolve-user";
import { checkTokenScope, MAX_SCOPE_LENGTH, tokenUrl } from "../../admin/token-scope";
import { auditTokenHash } from "../../audit/record-event";
import { issueToken, revokeUserTokens } from "../../auth/token-service";
import { type Config, MAX_TOKEN_AGE_SECONDS } from "../../config";
import { type AppEnv, authDeps } from "../../env";
import { readBoolean, readInteger, readJsonObject, readString, required } from "../../http/json-body";
import { MAX_TOKEN_CHARS } from "../../tokens/format";
import { findUserById, rotateSecurityStamp } from "../../users/store";
import { adminCaller, recordAdminEvent } from "./admin-audit";
import { isoTime, userJson } from "./user-json";

export function tokenAdminRoutes(config: Config) {
  const app = new Hono<AppEnv>();

  app.post("/users/:user/tokens", async function issueTokenRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    const body = await readJsonObject(c.req.raw, ["scope", "maxAge", "oneTime"]);
    // Not trimmed: a scope is an exact label, and " path:/x" must not become a share link by accident.
    const scope = checkTokenScope(config, readString(body, "scope", { maxLength: MAX_SCOPE_LENGTH, trim: false }) ?? "");
    const maxAge = readInteger(body, "maxAge", MIN_TOKEN_AGE_SECONDS, MAX_TOKEN_AGE_SECONDS);
    const oneTime = readBoolean(body, "oneTime");
    requireActive(user);

    const { token, info } = await issueToken(authDeps(c), user, { scope, maxAge, oneTime });
    await recordAdminEvent(c, {
      event: "token_issued",
      userId: user.id,
      detail: { scope, oneTime: info.oneTime, tokenHash: auditTokenHash(info.hash) },
    });
    return c.json({ token, url: tokenUrl(config, scope, token), scope, oneTime: info.oneTime, expiresAt: isoTime(info.expiresAt) }, 201);
  });

  app.post("/users/:user/revoke-tokens", async function revokeUserTokensRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    await readJsonObject(c.req.raw, []);
    await rotateSecurityStamp(c.var.db, user.id);
    await revokeUserTokens(authDeps(c), user.id);
    const updated = (await findUserById(c.var.db, user.id)) ?? user;
    await recordAdminEvent(c, { event: "token_revoked", userId: user.id, reason: "revoke_all", detail: { all: true } });
    return c.json({ user: userJson(updated) });
  });

  app.post("/tokens/revoke", async function revokeTokenRoute(c) {
    const body = await readJsonObject(c.req.raw, ["token"]);
    const token = required(readString(body, "token", { maxLength: MAX_TOKEN_CHARS, trim: false }), "token");
    const result = await revokeOneToken(adminCaller(c), token);
    return c.json({ revoked: true, expiresAt: isoTime(result.expiresAt) });
  });

  return app;
}
