/**
 * Statements that move a user's login marker (`users.last_login_at`) forward, for use
 * inside a D1 batch. One-time tokens are signed over the marker, so moving it kills every
 * outstanding one-time link of the user: a sign-in by code kills the link, and a sign-in
 * by link kills the links of earlier emails.
 */
import { and, eq, isNull, lte, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type User, users } from "../db/schema";

/** Strictly greater than the old marker, so two sign-ins in one millisecond still differ. */
export function nextLoginMarker(lastLoginAt: number | null, now: number): number {
  return Math.max(now, (lastLoginAt ?? 0) + 1);
}

/**
 * Consumes a one-time link (as advanceLoginMarker does): moves the marker to `next` only if
 * it still holds the value the token was signed over and the user's stamp and activity are
 * unchanged. Of concurrent redemptions of one token, exactly one gets the row back.
 */
export function advanceMarkerIfUnchanged(db: Database, user: Pick<User, "id" | "lastLoginAt" | "securityStamp">, next: number) {
  return db
    .update(users)
    .set({ lastLoginAt: next })
    .where(
      and(
        eq(users.id, user.id),
        user.lastLoginAt === null ? isNull(users.lastLoginAt) : eq(users.lastLoginAt, user.lastLoginAt),
        eq(users.securityStamp, user.securityStamp),
        eq(users.isActive, true),
      ),
    )
    .returning();
}

/**
 * Moves the marker forward whatever its old value (a sign-in already won elsewhere: a
 * consumed code, a reusable link), if the user is active and `guard` (when given) holds.
 * `stateNotAfter`: refuse when the user's security state changed after this time (a
 * "revoke all", new email or deactivation since the code was sent).
 */
export function bumpMarker(
  db: Database,
  input: { userId: string; now: number; guard?: SQL; stateNotAfter?: number; securityStamp?: string },
) {
  return db
    .update(users)
    .set({ lastLoginAt: sql`MAX(COALESCE(${users.lastLoginAt}, 0) + 1, ${input.now})` })
    .where(
      and(
        eq(users.id, input.userId),
        eq(users.isActive, true),
        input.stateNotAfter === undefined ? undefined : lte(users.stateChangedAt, input.stateNotAfter),
        input.securityStamp === undefined ? undefined : eq(users.securityStamp, input.securityStamp),
        input.guard,
      ),
    )
    .returning();
}

/** SQL true when user `id` holds login marker `marker`: the one-time redemption batched before won. */
export function holdsMarker(id: string, marker: number): SQL {
  return sql`EXISTS (SELECT 1 FROM ${users} WHERE ${users.id} = ${id} AND ${users.lastLoginAt} = ${marker})`;
}
