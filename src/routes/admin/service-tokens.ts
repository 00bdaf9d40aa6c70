/**
 * Admin endpoints for service tokens (scope "api", for machine clients) and share links
 * (scope "path:..."), docs/admin-api.md. A service token is a stateless sesame token plus a
 * row (id, name, hash, times) so operators can list and revoke it; the raw token appears
 * only in the response that issues it.
 */
import { desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { auditTokenHash } from "../../audit/record-event";
import { API_SCOPE, shareScope } from "../../auth/scopes";
import { issueToken } from "../../auth/token-service";
import { type Config, MAX_TOKEN_AGE_SECONDS } from "../../config";
import type { User } from "../../db/schema";
import { type ServiceToken, serviceTokens } from "../../db/schema";
import { type AppEnv, authDeps } from "../../env";
import { BadRequestError, ConflictError, NotFoundError } from "../../errors";
import { readInteger, readJsonObject, readString, required } from "../../http/json-body";
import { revokedTokenKey } from "../../kv/keys";
import { recordRevocation } from "../../kv/revocations";
import { isUuid } from "../../tokens";
import { MAX_SCOPE_BYTES } from "../../tokens/format";
import { recordAdminEvent } from "./admin-audit";
import { resolveUser } from "./resolve-user";
import { checkSharePath, shareLinkApp, tokenUrl } from "./token-scope";
import { MIN_TOKEN_AGE_SECONDS } from "./tokens";
import { isoTime, isoTimeOrNull } from "./user-json";

const SERVICE_TOKEN_DEFAULT_MAX_AGE_SECONDS = 90 * 24 * 3600;
const SHARE_LINK_DEFAULT_MAX_AGE_SECONDS = 7 * 24 * 3600;
/** A label for lists and audit lines ("ci-deploy", "grafana"), not prose. */
const MAX_SERVICE_TOKEN_NAME_LENGTH = 100;
/** Share paths leave room for the "path:" prefix inside the 200-character scope limit. */
const MAX_SHARE_PATH_LENGTH = 190;

function serviceTokenJson(row: ServiceToken) {
  return {
    id: row.id,
    name: row.name,
    createdAt: isoTime(row.createdAt),
    expiresAt: isoTime(row.expiresAt),
    revokedAt: isoTimeOrNull(row.revokedAt),
  };
}

/** A token for an inactive user could never be used, and would come back to life on reactivation. */
function requireActive(user: User) {
  if (!user.isActive) throw new ConflictError("user", "The user is inactive: activate it before issuing a token");
}

export function serviceTokenAdminRoutes(config: Config) {
  const app = new Hono<AppEnv>();

  app.post("/users/:user/service-tokens", async function issueServiceTokenRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    const body = await readJsonObject(c.req.raw, ["name", "maxAge"]);
    const name = required(readString(body, "name", { maxLength: MAX_SERVICE_TOKEN_NAME_LENGTH, nonEmpty: true }), "name");
    const maxAge = readInteger(body, "maxAge", MIN_TOKEN_AGE_SECONDS, MAX_TOKEN_AGE_SECONDS) ?? SERVICE_TOKEN_DEFAULT_MAX_AGE_SECONDS;
    requireActive(user);

    const { token, info } = await issueToken(authDeps(c), user, { scope: API_SCOPE, maxAge, oneTime: false });
    const row = await c.var.db
      .insert(serviceTokens)
      .values({ id: crypto.randomUUID(), userId: user.id, name, tokenHash: info.hash, createdAt: info.issuedAt, expiresAt: info.expiresAt })
      .returning()
      .get();
    await recordAdminEvent(c, {
      event: "service_token_issued",
      userId: user.id,
      detail: { serviceTokenId: row.id, name, tokenHash: auditTokenHash(info.hash) },
    });
    return c.json({ id: row.id, name: row.name, token, expiresAt: isoTime(row.expiresAt) }, 201);
  });

  app.get("/users/:user/service-tokens", async function listServiceTokensRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    const rows = await c.var.db
      .select()
      .from(serviceTokens)
      .where(eq(serviceTokens.userId, user.id))
      .orderBy(desc(serviceTokens.createdAt), desc(serviceTokens.id))
      .all();
    return c.json({ serviceTokens: rows.map(serviceTokenJson) });
  });

  app.delete("/service-tokens/:id", async function revokeServiceTokenRoute(c) {
    const id = c.req.param("id").toLowerCase();
    const row = isUuid(id) ? await c.var.db.select().from(serviceTokens).where(eq(serviceTokens.id, id)).get() : undefined;
    if (!row) throw new NotFoundError("No such service token");
    // Idempotent: revoking twice answers 204 and keeps the first revocation time.
    if (row.revokedAt === null) {
      const now = Date.now();
      // KV first: the gate reads it for remembered tokens (docs/security.md, "How fast a revocation is refused").
      if (row.expiresAt > now) {
        await recordRevocation(c.env.REVOKED, revokedTokenKey(row.tokenHash), { expiresAt: row.expiresAt, now });
      }
      await c.var.db.update(serviceTokens).set({ revokedAt: now }).where(eq(serviceTokens.id, row.id)).run();
      await recordAdminEvent(c, {
        event: "service_token_revoked",
        userId: row.userId,
        detail: { serviceTokenId: row.id, tokenHash: auditTokenHash(row.tokenHash) },
      });
    }
    return c.body(null, 204);
  });

  app.post("/users/:user/share-links", async function issueShareLinkRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    const body = await readJsonObject(c.req.raw, ["path", "app", "maxAge"]);
    const shareApp = shareLinkApp(config, readString(body, "app", { maxLength: 200, nonEmpty: true, trim: false }) ?? null, "app");
    // The scope (app and path) must fit the token's 255-byte scope field (src/tokens/format.ts).
    const maxPathLength = Math.min(MAX_SHARE_PATH_LENGTH, MAX_SCOPE_BYTES - shareScope(shareApp?.name ?? null, "").length);
    const path = checkSharePath(
      required(readString(body, "path", { maxLength: maxPathLength, nonEmpty: true, trim: false }), "path"),
      "path",
    );
    // The edge answers everything under the auth prefix itself: a share link there could never be used.
    if (path === config.authPrefix || path.startsWith(`${config.authPrefix}/`)) {
      throw new BadRequestError("path", `path must not be under ${config.authPrefix}`);
    }
    const maxAge = readInteger(body, "maxAge", MIN_TOKEN_AGE_SECONDS, MAX_TOKEN_AGE_SECONDS) ?? SHARE_LINK_DEFAULT_MAX_AGE_SECONDS;
    requireActive(user);

    const scope = shareScope(shareApp?.name ?? null, path);
    const { token, info } = await issueToken(authDeps(c), user, { scope, maxAge, oneTime: false });
    await recordAdminEvent(c, {
      event: "share_link_issued",
      userId: user.id,
      detail: { scope, tokenHash: auditTokenHash(info.hash) },
    });
    return c.json({ token, url: tokenUrl(config, scope, token), scope, expiresAt: isoTime(info.expiresAt) }, 201);
  });

  return app;
}
