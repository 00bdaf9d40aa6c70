/**
 * The audit log for the admin API and the console: newest first, paged by id (`before` is
 * the id of the last event already seen), filtered by event name, user, the admin who acted
 * and time. Events of deleted users and events with no user (admin_denied) stay readable.
 */
import { and, desc, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { authEvents } from "../db/schema";
import { BadRequestError, NotFoundError } from "../errors";
import type { AdminCaller } from "./caller";

export type EventRow = typeof authEvents.$inferSelect;

export interface EventFilter {
  event?: string;
  /** The user the event is about (an id: a deleted user's events stay findable). */
  userId?: string;
  /** The console admin who acted (`adminId` in the detail). */
  adminId?: string;
  /** Unix ms, inclusive. */
  since?: number;
  /** Unix ms, exclusive. */
  until?: number;
  /** An event id: only older events. */
  before?: number;
  limit: number;
}

const EVENT_NAME = /^[a-z_]{1,64}$/;
const USER_ID = /^[0-9a-f-]{36}$/;

function checkEventName(event: string, field = "event"): string {
  if (!EVENT_NAME.test(event)) throw new BadRequestError(field, `${field} must be an event name like token_issued`);
  return event;
}

function checkUserId(userId: string, field = "userId"): string {
  if (!USER_ID.test(userId)) throw new BadRequestError(field, `${field} must be a user id (UUID)`);
  return userId;
}

/** One page of events, newest first; `next` is the `before` of the following page, null on the last. */
export async function listEventPage(
  caller: Pick<AdminCaller, "deps">,
  filter: EventFilter,
): Promise<{ events: EventRow[]; next: number | null }> {
  const where: SQL[] = [];
  if (filter.event !== undefined) where.push(eq(authEvents.event, checkEventName(filter.event)));
  if (filter.userId !== undefined) where.push(eq(authEvents.userId, checkUserId(filter.userId)));
  if (filter.adminId !== undefined)
    where.push(sql`json_extract(${authEvents.detail}, '$.adminId') = ${checkUserId(filter.adminId, "adminId")}`);
  if (filter.since !== undefined) where.push(gte(authEvents.at, filter.since));
  if (filter.until !== undefined) where.push(lt(authEvents.at, filter.until));
  if (filter.before !== undefined) where.push(lt(authEvents.id, filter.before));
  // One row more than asked tells whether an older page exists.
  const rows = await caller.deps.db
    .select()
    .from(authEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(authEvents.id))
    .limit(filter.limit + 1)
    .all();
  const events = rows.slice(0, filter.limit);
  const last = events[events.length - 1];
  return { events, next: rows.length > filter.limit && last !== undefined ? last.id : null };
}

export async function findEvent(caller: Pick<AdminCaller, "deps">, id: number): Promise<EventRow> {
  const row = await caller.deps.db.select().from(authEvents).where(eq(authEvents.id, id)).get();
  if (!row) throw new NotFoundError("No such event");
  return row;
}

/** Detail is written by recordEvent as a JSON object; an unreadable one is shown raw, not dropped. */
export function parseDetail(detail: string | null): unknown {
  if (detail === null) return null;
  try {
    return JSON.parse(detail);
  } catch {
    return { raw: detail };
  }
}
