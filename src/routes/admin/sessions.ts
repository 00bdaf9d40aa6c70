/**
 * Admin endpoints for a user's browser sessions (docs/admin-api.md): list them, and end one
 * or all. Ending a session works as logout does: the row is marked and the id goes into
 * REVOKED, so the session is refused on the next request in this isolate and everywhere
 * within the bound docs/security.md states ("How fast a revocation is refused").
 */
import { Hono } from "hono";
import type { Session } from "../../db/schema";
import { type AppEnv, authDeps } from "../../env";
import { BadRequestError, NotFoundError } from "../../errors";
import { readJsonObject, readString } from "../../http/json-body";
import { revokeSession, revokeUserSessions } from "../../sessions";
import { findSession, listUserSessions } from "../../sessions/store";
import { isUuid } from "../../tokens";
import { recordAdminEvent } from "./admin-audit";
import { resolveUser } from "./resolve-user";
import { isoTime, isoTimeOrNull } from "./user-json";

/** A listing of one user's sessions, newest first, is cut at this many rows. */
const MAX_LISTED_SESSIONS = 200;

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
    const rows = await listUserSessions(c.var.db, user.id, MAX_LISTED_SESSIONS);
    return c.json({ sessions: rows.map(sessionJson) });
  });

  app.post("/users/:user/sessions/revoke", async function revokeSessionsRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    const body = await readJsonObject(c.req.raw, ["sessionId"]);
    const sessionId = readString(body, "sessionId", { maxLength: 64, nonEmpty: true });
    const deps = authDeps(c);

    let revoked: number;
    if (sessionId === undefined) {
      revoked = await revokeUserSessions(deps, user.id);
    } else {
      if (!isUuid(sessionId)) throw new BadRequestError("sessionId", "sessionId must be a session id from the listing");
      const session = await findSession(c.var.db, sessionId);
      // Another user's session is as absent as a made-up one: no probing across users.
      if (!session || session.userId !== user.id) throw new NotFoundError("No such session for this user");
      revoked = (await revokeSession(deps, sessionId)) ? 1 : 0;
    }
    await recordAdminEvent(c, { event: "session_revoked", userId: user.id, detail: { sessionId: sessionId ?? null, revoked } });
    return c.json({ revoked });
  });

  return app;
}
