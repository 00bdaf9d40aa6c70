/**
 * Admin endpoints for service tokens (scope "api", for machine clients) and share links
 * (scope "path:..."), docs/admin-api.md. The operations live in src/admin/credentials.ts,
 * shared with the console; this file reads JSON and shapes the answers.
 */
import { Hono } from "hono";
import {
  findServiceToken,
  issueServiceToken,
  issueShareLink,
  listServiceTokensOf,
  MAX_SERVICE_TOKEN_NAME_LENGTH,
  MAX_SHARE_PATH_LENGTH,
  MIN_TOKEN_AGE_SECONDS,
  revokeServiceToken,
  SERVICE_TOKEN_DEFAULT_MAX_AGE_SECONDS,
  SHARE_LINK_DEFAULT_MAX_AGE_SECONDS,
} from "../../admin/credentials";
import { resolveUser } from "../../admin/resolve-user";
import { MAX_TOKEN_AGE_SECONDS } from "../../config";
import type { ServiceToken } from "../../db/schema";
import type { AppEnv } from "../../env";
import { readInteger, readJsonObject, readString, readStringList, required } from "../../http/json-body";
import { adminCaller } from "./admin-audit";
import { isoTime, isoTimeOrNull } from "./user-json";

function serviceTokenJson(row: ServiceToken) {
  return {
    id: row.id,
    name: row.name,
    createdAt: isoTime(row.createdAt),
    expiresAt: isoTime(row.expiresAt),
    revokedAt: isoTimeOrNull(row.revokedAt),
  };
}

export function serviceTokenAdminRoutes() {
  const app = new Hono<AppEnv>();

  app.post("/users/:user/service-tokens", async function issueServiceTokenRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    const body = await readJsonObject(c.req.raw, ["name", "maxAge"]);
    const name = required(readString(body, "name", { maxLength: MAX_SERVICE_TOKEN_NAME_LENGTH, nonEmpty: true }), "name");
    const maxAge = readInteger(body, "maxAge", MIN_TOKEN_AGE_SECONDS, MAX_TOKEN_AGE_SECONDS) ?? SERVICE_TOKEN_DEFAULT_MAX_AGE_SECONDS;
    const { row, token } = await issueServiceToken(adminCaller(c), user, { name, maxAge });
    return c.json({ id: row.id, name: row.name, token, expiresAt: isoTime(row.expiresAt) }, 201);
  });

  app.get("/users/:user/service-tokens", async function listServiceTokensRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    return c.json({ serviceTokens: (await listServiceTokensOf(adminCaller(c), user)).map(serviceTokenJson) });
  });

  app.delete("/service-tokens/:id", async function revokeServiceTokenRoute(c) {
    const caller = adminCaller(c);
    await revokeServiceToken(caller, await findServiceToken(caller, c.req.param("id")));
    return c.body(null, 204);
  });

  app.post("/users/:user/share-links", async function issueShareLinkRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    const body = await readJsonObject(c.req.raw, ["path", "app", "maxAge", "methods"]);
    const app = readString(body, "app", { maxLength: 200, nonEmpty: true, trim: false }) ?? null;
    const path = required(readString(body, "path", { maxLength: MAX_SHARE_PATH_LENGTH, nonEmpty: true, trim: false }), "path");
    const maxAge = readInteger(body, "maxAge", MIN_TOKEN_AGE_SECONDS, MAX_TOKEN_AGE_SECONDS) ?? SHARE_LINK_DEFAULT_MAX_AGE_SECONDS;
    const methods = readStringList(body, "methods", 6, { maxLength: 16, trim: false });
    const link = await issueShareLink(adminCaller(c), user, { app, path, maxAge, methods });
    return c.json({ token: link.token, url: link.url, scope: link.scope, methods: link.methods, expiresAt: isoTime(link.expiresAt) }, 201);
  });

  return app;
}
