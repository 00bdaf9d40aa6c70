/**
 * Statements that move a user's login marker (`users.last_login_at`) forward, and the SQL
 * conditions a sign-in batch is guarded by. One-time tokens are signed over the marker, so
 * moving it kills every outstanding one-time link of the user: a sign-in by code kills the
 * link, and a sign-in by link kills the links of earlier emails.
 */
import { and, eq, isNull, lte, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { users } from "../db/schema";

/** Strictly greater than the old marker, so two sign-ins in one millisecond still differ. */
export function nextLoginMarker(lastLoginAt: number | null, now: number): number {
  return Math.max(now, (lastLoginAt ?? 0) + 1);
}

/**
 * What a sign-in requires of the user's row, as it was when the credential was checked.
 * `marker`: the login marker a one-time token was signed over; `securityStamp` and `email`:
 * the state a token was signed over (the email only when INVALIDATE_ON_EMAIL_CHANGE binds
 * it); `stateNotAfter`: no security change (revoke all, new email, deactivation) after this
 * time, for codes and sign-up links, which carry no stamp.
 */
interface ExpectedUserState {
  userId: string;
  marker?: number | null;
  securityStamp?: string;
  email?: string;
  stateNotAfter?: number;
}

/** The condition over `users` that `expected` describes; the user must also be active. */
function userMatches(expected: ExpectedUserState): SQL {
  const { marker, securityStamp, email, stateNotAfter } = expected;
  const conditions = [eq(users.id, expected.userId), eq(users.isActive, true)];
  if (marker !== undefined) conditions.push(marker === null ? isNull(users.lastLoginAt) : eq(users.lastLoginAt, marker));
  if (securityStamp !== undefined) conditions.push(eq(users.securityStamp, securityStamp));
  if (email !== undefined) conditions.push(eq(users.email, email));
  if (stateNotAfter !== undefined) conditions.push(lte(users.stateChangedAt, stateNotAfter));
  return sql`(${sql.join(conditions, sql` AND `)})`;
}

/** SQL true while the user's row still is as `expected`: guards the session row of a sign-in. */
export function userStillMatches(expected: ExpectedUserState): SQL {
  return sql`EXISTS (SELECT 1 FROM ${users} WHERE ${userMatches(expected)})`;
}

/**
 * Consumes a one-time link: moves the marker to `next` only while the row is exactly as the
 * token was checked against (`expected.marker` included). Of concurrent redemptions of one
 * token, exactly one gets the row back. Batched after the session row guarded by
 * userStillMatches(expected), which sees the same row state, so both happen or neither does.
 */
export function advanceMarkerIfUnchanged(db: Database, expected: ExpectedUserState & { marker: number | null }, next: number) {
  return db.update(users).set({ lastLoginAt: next }).where(userMatches(expected)).returning();
}

/**
 * Moves the marker forward whatever its old value (a sign-in already won elsewhere: a
 * consumed code, a reusable link), when `won` holds: the batch wrote the session row.
 */
export function bumpMarker(db: Database, input: { userId: string; now: number; won: SQL }) {
  return db
    .update(users)
    .set({ lastLoginAt: sql`MAX(COALESCE(${users.lastLoginAt}, 0) + 1, ${input.now})` })
    .where(and(eq(users.id, input.userId), input.won))
    .returning();
}
