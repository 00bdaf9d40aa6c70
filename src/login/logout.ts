/**
 * "Sign out everywhere": every live session of the user ends (rows marked, ids in REVOKED,
 * refused within the bound of docs/security.md), the security stamp is replaced so every outstanding sesame token of the user
 * dies (login links, share links, service tokens: the admin API's "revoke all"), and the
 * user's pending sign-in codes are ended, so nothing emailed earlier can start a new session.
 */
import { and, eq, isNull, or } from "drizzle-orm";
import { revokeUserTokens, type TokenDeps } from "../auth/token-service";
import { loginRequests } from "../db/schema";
import { revokeUserSessions } from "../sessions";
import { findUserById, rotateSecurityStamp } from "../users/store";

/**
 * Returns how many sessions were live. The stamp is replaced BEFORE the sessions are ended:
 * a sign-in racing this one either commits its session row before the new stamp (and the
 * revocation that follows ends it) or finds the stamp changed and writes none
 * (src/login/redeem.ts). The other order would let a row written in between survive.
 */
export async function logOutEverywhere(deps: TokenDeps, userId: string): Promise<number> {
  const now = deps.now ?? Date.now();
  const user = await findUserById(deps.db, userId);
  if (user) await rotateSecurityStamp(deps.db, userId, now);
  const ended = await revokeUserSessions({ ...deps, now }, userId);
  if (!user) return ended;
  await revokeUserTokens({ ...deps, now }, userId);
  await deps.db
    .update(loginRequests)
    .set({ consumedAt: now })
    .where(and(or(eq(loginRequests.userId, userId), eq(loginRequests.email, user.email)), isNull(loginRequests.consumedAt)))
    .run();
  return ended;
}
