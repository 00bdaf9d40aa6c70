/**
 * User operations of the admin API and the console (docs/admin-api.md, "Users"): create,
 * list a page, update, delete. Inputs arrive already read (JSON body or form); the rules
 * every caller shares (lengths, duplicates, what a deactivation or deletion ends) live here.
 */
import { revokeUserTokens } from "../auth/token-service";
import type { User } from "../db/schema";
import { BadRequestError, ConflictError, NotFoundError } from "../errors";
import { refuseControlCharacters } from "../http/control-characters";
import { revokeUserSessions } from "../sessions";
import { MAX_EMAIL_LENGTH, normalizeEmail } from "../users/email";
import { createUser, deleteUser, listUsers, type UserPatch, updateUser } from "../users/store";
import { type AdminCaller, recordAdminAction } from "./caller";

/** Display names are for greetings and lists; 200 characters covers any real one. */
export const MAX_NAME_LENGTH = 200;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Creates a user; 409 naming `email` when the address is taken. */
export async function createUserAccount(caller: AdminCaller, input: { email: string; name: string; isActive: boolean }): Promise<User> {
  const user = await createUser(caller.deps.db, input);
  if (!user) throw new ConflictError("email", "A user with this email already exists");
  await recordAdminAction(caller, { event: "user_created", userId: user.id, detail: { active: user.isActive } });
  return user;
}

/**
 * One page of users by email, optionally those whose email starts with `email`; `next` is
 * the cursor of the following page, null on the last.
 */
export async function listUserPage(
  caller: Pick<AdminCaller, "deps">,
  input: { email: string; after: string; limit: number },
): Promise<{ users: User[]; next: string | null }> {
  const emailPrefix = normalizeEmail(checkQueryText(input.email, "email"));
  const after = checkQueryText(input.after, "after");
  // One row more than asked tells whether another page exists, so `next` is never a dead end.
  const rows = await listUsers(caller.deps.db, { emailPrefix, after: after || undefined, limit: input.limit + 1 });
  const users = rows.slice(0, input.limit);
  const last = users[users.length - 1];
  return { users, next: rows.length > input.limit && last !== undefined ? last.email : null };
}

/**
 * Updates email, name and/or active. A deactivation ends the user's tokens and sessions
 * (KV first, so a failure there leaves the user as it was and a retry does it all).
 */
export async function updateUserAccount(caller: AdminCaller, current: User, patch: UserPatch): Promise<User> {
  const fields = Object.entries({ email: patch.email, name: patch.name, active: patch.isActive })
    .filter(([, value]) => value !== undefined)
    .map(([key]) => key);
  if (fields.length === 0) throw new BadRequestError("body", "Give at least one of email, name, active");

  const { deps } = caller;
  if (patch.isActive === false && current.isActive) await revokeUserTokens(deps, current.id);
  const updated = await updateUser(deps.db, current.id, patch);
  if (updated === "conflict") throw new ConflictError("email", "Another user already has this email");
  if (!updated) throw new NotFoundError("No such user");

  const tokensRevoked =
    updated.securityStamp !== current.securityStamp || (updated.email !== current.email && deps.config.link.invalidateOnEmailChange);
  const deactivated = current.isActive && !updated.isActive;
  const sessionsEnded = deactivated ? await revokeUserSessions(deps, updated.id) : 0;
  await recordAdminAction(caller, {
    event: "user_updated",
    userId: updated.id,
    detail: { fields: fields.join(","), active: updated.isActive, tokensRevoked, sessionsEnded },
  });
  return updated;
}

/**
 * Deletes a user. Rows cascade away with it, but cookies, service tokens and share links
 * already handed out must die now too, including those the gate remembers (docs/security.md).
 */
export async function deleteUserAccount(caller: AdminCaller, user: User): Promise<void> {
  await revokeUserTokens(caller.deps, user.id);
  const sessionsEnded = await revokeUserSessions(caller.deps, user.id);
  if (!(await deleteUser(caller.deps.db, user.id))) throw new NotFoundError("No such user");
  await recordAdminAction(caller, { event: "user_deleted", userId: user.id, detail: { sessionsEnded } });
}

/** Query text for a prefix or cursor: bounded, printable. */
function checkQueryText(value: string, field: string): string {
  if (value.length > MAX_EMAIL_LENGTH) throw new BadRequestError(field, `${field} must be at most ${MAX_EMAIL_LENGTH} characters`);
  return refuseControlCharacters(value, field);
}
