/** Session rows in D1. Every function takes the drizzle handle; none knows about cookies or HTTP. */
import { and, desc, eq, gt, isNull, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type Session, sessions, users } from "../db/schema";

/**
 * `INSERT INTO sessions ... SELECT ... WHERE <won>`, for the batch that consumes a sign-in:
 * the row exists only if `won` (SQL over the state the batch's earlier statements left)
 * holds, so a session can never outlive a consumption that lost. RETURNING says which.
 */
export function insertSessionIf(db: Database, row: Session, won: SQL) {
  const values = sql.join(
    [row.id, row.userId, row.amr, row.createdAt, row.lastSeenAt, row.expiresAt, row.revokedAt, row.userAgent, row.ip].map((v) => sql`${v}`),
    sql`, `,
  );
  return db.insert(sessions).select(sql`SELECT ${values} WHERE ${won}`).returning({ id: sessions.id });
}

/** SQL true once a batch has written session `sessionId`: the sign-in won. */
export function sessionWritten(sessionId: string): SQL {
  return sql`EXISTS (SELECT 1 FROM ${sessions} WHERE ${sessions.id} = ${sessionId})`;
}

/** The session row and its user's current state, in one query. */
export async function findSessionWithUser(db: Database, sessionId: string) {
  return (
    (await db
      .select({
        userId: sessions.userId,
        amr: sessions.amr,
        createdAt: sessions.createdAt,
        expiresAt: sessions.expiresAt,
        revokedAt: sessions.revokedAt,
        email: users.email,
        isActive: users.isActive,
        stateChangedAt: users.stateChangedAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, sessionId))
      .get()) ?? null
  );
}

/**
 * Slides a live session: new expiry and last-seen time. Conditional on the row still being
 * live, so a revocation that lands between the check and this write is never undone.
 */
export async function slideSession(db: Database, sessionId: string, expiresAt: number, now: number): Promise<boolean> {
  const row = await db
    .update(sessions)
    .set({ expiresAt, lastSeenAt: now })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .returning({ id: sessions.id })
    .get();
  return row !== undefined;
}

/** Marks live sessions revoked (one, or all of a user's); returns the ids and expiries it ended. */
export async function markSessionsRevoked(
  db: Database,
  target: { sessionId: string } | { userId: string },
  now: number,
): Promise<{ id: string; expiresAt: number }[]> {
  const which = "sessionId" in target ? eq(sessions.id, target.sessionId) : eq(sessions.userId, target.userId);
  return db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(which, isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .returning({ id: sessions.id, expiresAt: sessions.expiresAt });
}

/** Every session of a user, newest first (the admin API lists them). */
export async function listUserSessions(db: Database, userId: string, limit: number): Promise<Session[]> {
  return db.select().from(sessions).where(eq(sessions.userId, userId)).orderBy(desc(sessions.createdAt)).limit(limit).all();
}

export async function findSession(db: Database, sessionId: string): Promise<Session | null> {
  return (await db.select().from(sessions).where(eq(sessions.id, sessionId)).get()) ?? null;
}
