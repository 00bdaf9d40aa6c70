/**
 * Group operations of the admin API and the console (docs/admin-api.md, "Groups"): create,
 * delete, list, and add or remove members. Listings are paged by name (groups) or email
 * (members) with an exclusive `after` cursor; `next` is null on the last page.
 */
import { NAME_PATTERN } from "../access/parse-apps";
import type { User } from "../db/schema";
import { BadRequestError, ConflictError, NotFoundError } from "../errors";
import {
  addMember,
  createGroup,
  deleteGroup,
  findGroup,
  type GroupRow,
  listGroups,
  listMembers,
  type MemberRow,
  removeMember,
} from "../groups/store";
import { MAX_EMAIL_LENGTH } from "../users/email";
import { type AdminCaller, recordAdminAction } from "./caller";

const NAME_RULE = "a group name: a-z, 0-9, and _ . - after the first character, at most 64";

/** A group name from input: a 404 for a malformed name would hide the typo, so it is a 400 naming the field. */
function checkGroupName(raw: string, field = "name"): string {
  if (!NAME_PATTERN.test(raw)) throw new BadRequestError(field, `${field} must be ${NAME_RULE}`);
  return raw;
}

export async function existingGroup(caller: Pick<AdminCaller, "deps">, raw: string): Promise<GroupRow> {
  const group = await findGroup(caller.deps.db, checkGroupName(raw));
  if (!group) throw new NotFoundError("No such group");
  return group;
}

function checkCursor(after: string): string | undefined {
  if (after.length > MAX_EMAIL_LENGTH) throw new BadRequestError("after", `after must be at most ${MAX_EMAIL_LENGTH} characters`);
  return after || undefined;
}

/** One row more than asked tells whether another page exists, so `next` is never a dead end. */
function paged<T>(rows: T[], limit: number, cursor: (row: T) => string): { page: T[]; next: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, next: rows.length > limit && last !== undefined ? cursor(last) : null };
}

export async function listGroupPage(
  caller: Pick<AdminCaller, "deps">,
  input: { after: string; limit: number },
): Promise<{ page: GroupRow[]; next: string | null }> {
  const rows = await listGroups(caller.deps.db, { after: checkCursor(input.after), limit: input.limit + 1 });
  return paged(rows, input.limit, (row) => row.name);
}

export async function listMemberPage(
  caller: Pick<AdminCaller, "deps">,
  group: GroupRow,
  input: { after: string; limit: number },
): Promise<{ page: MemberRow[]; next: string | null }> {
  const rows = await listMembers(caller.deps.db, group.name, { after: checkCursor(input.after), limit: input.limit + 1 });
  return paged(rows, input.limit, (row) => row.email);
}

/** Creates a group; 409 naming `name` when it exists. */
export async function createGroupNamed(caller: AdminCaller, rawName: string): Promise<GroupRow> {
  const name = checkGroupName(rawName);
  const group = await createGroup(caller.deps.db, name);
  if (!group) throw new ConflictError("name", "A group with this name already exists");
  await recordAdminAction(caller, { event: "group_created", detail: { group: name } });
  return group;
}

/**
 * Deletes a group and its memberships. ADMIN_GROUP is refused: it decides who may open the
 * console, and its existence is what keeps ADMIN_EMAILS from seeding it again
 * (src/groups/seed-admins.ts). Its members can still be removed one by one.
 */
export async function deleteGroupNamed(caller: AdminCaller, group: GroupRow): Promise<void> {
  if (group.name === caller.deps.config.adminGroup) {
    throw new ConflictError("name", "This is ADMIN_GROUP, the group of the edge's admins: it cannot be deleted. Remove members instead.");
  }
  if (!(await deleteGroup(caller.deps.db, group.name))) throw new NotFoundError("No such group");
  await recordAdminAction(caller, { event: "group_deleted", detail: { group: group.name, members: group.members } });
}

/** Adds `user` to `group`; "exists" (and no audit row) when the user already was a member. */
export async function addGroupMember(caller: AdminCaller, group: GroupRow, user: User): Promise<"added" | "exists"> {
  const result = await addMember(caller.deps.db, group.name, user.id);
  if (result === "added") await recordAdminAction(caller, { event: "group_member_added", userId: user.id, detail: { group: group.name } });
  return result;
}

/** Removes `user` from `group`; 404 when the user was not a member. */
export async function removeGroupMember(caller: AdminCaller, group: GroupRow, user: User): Promise<void> {
  if (!(await removeMember(caller.deps.db, group.name, user.id))) throw new NotFoundError("This user is not a member of this group");
  await recordAdminAction(caller, { event: "group_member_removed", userId: user.id, detail: { group: group.name } });
}
