/**
 * The audit log, newest first: per user (GET /users/:user/events) and across the edge
 * (GET /events), which also shows events with no user, like admin_denied, and events of
 * deleted users. Paged by id: `before` is the id of the last event already seen.
 */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { type Context, Hono } from "hono";
import type { Config } from "../../config";
import { authEvents } from "../../db/schema";
import type { AppEnv } from "../../env";
import { BadRequestError } from "../../errors";
import { queryInteger, readQuery } from "./query-params";
import { resolveUser } from "./resolve-user";
import { isoTime } from "./user-json";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./users";

type EventRow = typeof authEvents.$inferSelect;

export function eventAdminRoutes(_config: Config) {
  const app = new Hono<AppEnv>();

  app.get("/users/:user/events", async function listUserEventsRoute(c) {
    const query = readQuery(c.req.url, ["limit", "before"]);
    const user = await resolveUser(c.var.db, c.req.param("user"));
    return listEvents(c, query, [eq(authEvents.userId, user.id)]);
  });

  app.get("/events", async function listEventsRoute(c) {
    const query = readQuery(c.req.url, ["limit", "before", "event", "userId"]);
    const filters: SQL[] = [];
    const event = query.get("event");
    if (event !== null) {
      if (!/^[a-z_]{1,64}$/.test(event)) throw new BadRequestError("event", "event must be an event name like token_issued");
      filters.push(eq(authEvents.event, event));
    }
    // An id, not a resolved user: the events of a deleted user stay readable.
    const userId = query.get("userId");
    if (userId !== null) {
      if (!/^[0-9a-f-]{36}$/.test(userId)) throw new BadRequestError("userId", "userId must be a user id (UUID)");
      filters.push(eq(authEvents.userId, userId));
    }
    return listEvents(c, query, filters);
  });

  return app;
}

async function listEvents(c: Context<AppEnv>, query: URLSearchParams, filters: SQL[]) {
  const limit = queryInteger(query, "limit", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  const before = queryInteger(query, "before", 1, Number.MAX_SAFE_INTEGER);
  if (before !== undefined) filters.push(lt(authEvents.id, before));
  // One row more than asked tells whether an older page exists.
  const rows = await c.var.db
    .select()
    .from(authEvents)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(authEvents.id))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  // biome-ignore lint/style/noNonNullAssertion: more rows than `limit` (>= 1) means the page is full
  const next = rows.length > limit ? page[page.length - 1]!.id : null;
  return c.json({ events: page.map(eventJson), next });
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

/** Detail is written by recordEvent as a JSON object; an unreadable one is shown raw, not dropped. */
function parseDetail(detail: string | null): unknown {
  if (detail === null) return null;
  try {
    return JSON.parse(detail);
  } catch {
    return { raw: detail };
  }
}
