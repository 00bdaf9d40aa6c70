/**
 * The audit log, newest first: per user (GET /users/:user/events) and across the edge
 * (GET /events), which also shows events with no user, like admin_denied, and events of
 * deleted users. Paged by id: `before` is the id of the last event already seen. The
 * query lives in src/admin/events.ts, shared with the console.
 */
import { type Context, Hono } from "hono";
import { type EventFilter, type EventRow, listEventPage, parseDetail } from "../../admin/events";
import { resolveUser } from "../../admin/resolve-user";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../admin/users";
import type { Config } from "../../config";
import type { AppEnv } from "../../env";
import { adminCaller } from "./admin-audit";
import { queryInteger, readQuery } from "./query-params";
import { isoTime } from "./user-json";

export function eventAdminRoutes(_config: Config) {
  const app = new Hono<AppEnv>();

  app.get("/users/:user/events", async function listUserEventsRoute(c) {
    const query = readQuery(c.req.url, ["limit", "before"]);
    const user = await resolveUser(c.var.db, c.req.param("user"));
    return listEvents(c, query, { userId: user.id });
  });

  app.get("/events", async function listEventsRoute(c) {
    const query = readQuery(c.req.url, ["limit", "before", "event", "userId"]);
    // An id, not a resolved user: the events of a deleted user stay readable.
    return listEvents(c, query, { event: query.get("event") ?? undefined, userId: query.get("userId") ?? undefined });
  });

  return app;
}

async function listEvents(c: Context<AppEnv>, query: URLSearchParams, filter: Omit<EventFilter, "limit" | "before">) {
  const limit = queryInteger(query, "limit", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  const before = queryInteger(query, "before", 1, Number.MAX_SAFE_INTEGER);
  const { events, next } = await listEventPage(adminCaller(c), { ...filter, limit, before });
  return c.json({ events: events.map(eventJson), next });
}

function eventJson(row: EventRow) {
  return {
    id: row.id,
    at: isoTime(row.at),
    event: row.event,
    userId: row.userId,
    reason: row.reason,
    ip: row.ip,
    userAgent: row.userAgent,
    detail: parseDetail(row.detail),
  };
}
