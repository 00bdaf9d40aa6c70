/**
 * A user's browser sessions, for the admin API and the console (docs/admin-api.md): list
 * them, end one or all. Ending a session works as logout does: the row is marked and the id
 * goes into REVOKED, so the session is refused on the next request in this isolate and
 * everywhere within the bound docs/security.md states ("How fast a revocation is refused").
 */
import type { Session, User } from "../db/schema";
import { BadRequestError, NotFoundError } from "../errors";
import { revokeSession, revokeUserSessions } from "../sessions";
import { findSession, listUserSessions } from "../sessions/store";
import { isUuid } from "../tokens";
import { type AdminCaller, recordAdminAction } from "./caller";

/** A listing of one user's sessions, newest first, is cut at this many rows. */
const MAX_LISTED_SESSIONS = 200;

export function listSessionsOf(caller: Pick<AdminCaller, "deps">, user: User): Promise<Session[]> {
  return listUserSessions(caller.deps.db, user.id, MAX_LISTED_SESSIONS);
}

/** Ends one session of `user` (`sessionId`) or all of them (undefined); returns how many were live. */
export async function endSessions(caller: AdminCaller, user: User, sessionId: string | undefined): Promise<number> {
  let revoked: number;
  if (sessionId === undefined) {
    revoked = await revokeUserSessions(caller.deps, user.id);
  } else {
    if (!isUuid(sessionId)) throw new BadRequestError("sessionId", "sessionId must be a session id from the listing");
    const session = await findSession(caller.deps.db, sessionId);
    // Another user's session is as absent as a made-up one: no probing across users.
    if (!session || session.userId !== user.id) throw new NotFoundError("No such session for this user");
    revoked = (await revokeSession(caller.deps, sessionId)) ? 1 : 0;
  }
  await recordAdminAction(caller, { event: "session_revoked", userId: user.id, detail: { sessionId: sessionId ?? null, revoked } });
  return revoked;
}
