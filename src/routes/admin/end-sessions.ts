/**
 * Deactivating or deleting a user must end their sessions at once on this edge, not at the
 * next revalidation (DESIGN.md section 3): every live session row is marked revoked and its
 * id goes into REVOKED for the session's remaining life.
 */
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "../../db/client";
import { sessions } from "../../db/schema";
import { revocationTtlSeconds, revokedSessionKey } from "../../kv/keys";

/** Revokes every live session of `userId`; returns how many were live. */
export async function endUserSessions(db: Database, kv: KVNamespace, userId: string, now = Date.now()): Promise<number> {
  const ended = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .returning({ id: sessions.id, expiresAt: sessions.expiresAt });
  await Promise.all(
    ended.map((s) => kv.put(revokedSessionKey(s.id), "1", { expirationTtl: revocationTtlSeconds(s.expiresAt, now) })),
  );
  return ended.length;
}
