/**
 * Admin endpoints for a user's browser sessions (docs/admin-api.md): list them, and end one
 * or all. Ending a session works as logout does: the row is marked and the id goes into
 * REVOKED, so the session is refused on the next request in this isolate and everywhere
 * within the bound docs/security.md states ("How fast a revocation is refused").
 */
import { Hono } from "hono";
import { resolveUser } from "../../admin/resolve-user";
import { endSessions, listSessionsOf } from "../../admin/sessions";
import type { Session } from "../../db/schema";
import type { AppEnv } from "../../env";
import { readJsonObject, readString } from "../../http/json-body";
import { adminCaller } from "./admin-audit";
import { isoTime, isoTimeOrNull } from "./user-json";

function sessionJson(row: Session) {
  return {
    id: row.id,
    amr: row.amr,
    createdAt: isoTime(row.createdAt),
    lastSeenAt: isoTime(row.lastSeenAt),
    expiresAt: isoTime(row.expiresAt),
    revokedAt: isoTimeOrNull(row.revokedAt),
    ip: row.ip,
    userAgent: row.userAgent,
  };
}

export function sessionAdminRoutes() {
  const app = new Hono<AppEnv>();

  app.get("/users/:user/sessions", async function listSessionsRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    return c.json({ sessions: (await listSessionsOf(adminCaller(c), user)).map(sessionJson) });
  });

  app.post("/users/:user/sessions/revoke", async function revokeSessionsRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    const body = await readJsonObject(c.req.raw, ["sessionId"]);
    const sessionId = readString(body, "sessionId", { maxLength: 64, nonEmpty: true });
    return c.json({ revoked: await endSessions(adminCaller(c), user, sessionId) });
  });

  return app;
}
