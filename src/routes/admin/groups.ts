/**
 * Admin endpoints for groups and memberships (docs/admin-api.md, "Groups"). Listings are
 * paged like the user listing: `limit` (default 50, at most 200) and an exclusive `after`
 * cursor, answered with `next` (null on the last page).
 */
import { Hono } from "hono";
import { NAME_PATTERN } from "../../access/parse-apps";
import type { Config } from "../../config";
import type { AppEnv } from "../../env";
import { BadRequestError, ConflictError, NotFoundError } from "../../errors";
import { addMember, createGroup, deleteGroup, findGroup, type GroupRow, listGroups, listMembers, removeMember } from "../../groups/store";
import { readJsonObject, readString, required } from "../../http/json-body";
import { MAX_EMAIL_LENGTH } from "../../users/email";
import { recordAdminEvent } from "./admin-audit";
import { queryInteger, readQuery } from "./query-params";
import { resolveUser } from "./resolve-user";
import { isoTime } from "./user-json";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./users";

const NAME_RULE = "a group name: a-z, 0-9, and _ . - after the first character, at most 64";

function groupJson(row: GroupRow) {
  return { name: row.name, members: row.members, createdAt: isoTime(row.createdAt) };
}

/** `:name` in a path: a 404 for a malformed name would hide the typo, so it is a 400 naming the field. */
function groupName(raw: string): string {
  if (!NAME_PATTERN.test(raw)) throw new BadRequestError("name", `name must be ${NAME_RULE}`);
  return raw;
}

async function existingGroup(c: { var: { db: Parameters<typeof findGroup>[0] } }, raw: string): Promise<GroupRow> {
  const group = await findGroup(c.var.db, groupName(raw));
  if (!group) throw new NotFoundError("No such group");
  return group;
}

/** `limit` and `after` of a listing; `after` is a name or an email, bounded. */
function pageOf(url: string): { limit: number; after: string | undefined } {
  const query = readQuery(url, ["limit", "after"]);
  const limit = queryInteger(query, "limit", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
  const after = query.get("after") ?? "";
  if (after.length > MAX_EMAIL_LENGTH) throw new BadRequestError("after", `after must be at most ${MAX_EMAIL_LENGTH} characters`);
  return { limit, after: after || undefined };
}

/** One row more than asked tells whether another page exists, so `next` is never a dead end. */
function paged<T>(rows: T[], limit: number, cursor: (row: T) => string): { page: T[]; next: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, next: rows.length > limit && last !== undefined ? cursor(last) : null };
}

export function groupAdminRoutes(_config: Config) {
  const app = new Hono<AppEnv>();

  app.get("/groups", async function listGroupsRoute(c) {
    const { limit, after } = pageOf(c.req.url);
    const { page, next } = paged(await listGroups(c.var.db, { after, limit: limit + 1 }), limit, (row) => row.name);
    return c.json({ groups: page.map(groupJson), next });
  });

  app.post("/groups", async function createGroupRoute(c) {
    const body = await readJsonObject(c.req.raw, ["name"]);
    const name = required(readString(body, "name", { maxLength: 64 }), "name");
    if (!NAME_PATTERN.test(name)) throw new BadRequestError("name", `name must be ${NAME_RULE}`);
    const group = await createGroup(c.var.db, name);
    if (!group) throw new ConflictError("name", "A group with this name already exists");
    await recordAdminEvent(c, { event: "group_created", detail: { group: name } });
    return c.json({ group: groupJson(group) }, 201);
  });

  app.delete("/groups/:name", async function deleteGroupRoute(c) {
    const group = await existingGroup(c, c.req.param("name"));
    if (!(await deleteGroup(c.var.db, group.name))) throw new NotFoundError("No such group");
    await recordAdminEvent(c, { event: "group_deleted", detail: { group: group.name, members: group.members } });
    return c.body(null, 204);
  });

  app.get("/groups/:name/members", async function listMembersRoute(c) {
    const group = await existingGroup(c, c.req.param("name"));
    const { limit, after } = pageOf(c.req.url);
    const { page, next } = paged(await listMembers(c.var.db, group.name, { after, limit: limit + 1 }), limit, (row) => row.email);
    return c.json({ members: page, next });
  });

  app.post("/groups/:name/members", async function addMemberRoute(c) {
    const group = await existingGroup(c, c.req.param("name"));
    const body = await readJsonObject(c.req.raw, ["user"]);
    const ref = required(readString(body, "user", { maxLength: MAX_EMAIL_LENGTH + 64 }), "user");
    const user = await resolveUser(c.var.db, ref);
    const result = await addMember(c.var.db, group.name, user.id);
    if (result === "added") await recordAdminEvent(c, { event: "group_member_added", userId: user.id, detail: { group: group.name } });
    return c.json({ member: { id: user.id, email: user.email } }, result === "added" ? 201 : 200);
  });

  app.delete("/groups/:name/members/:user", async function removeMemberRoute(c) {
    const group = await existingGroup(c, c.req.param("name"));
    const user = await resolveUser(c.var.db, c.req.param("user"));
    if (!(await removeMember(c.var.db, group.name, user.id))) throw new NotFoundError("This user is not a member of this group");
    await recordAdminEvent(c, { event: "group_member_removed", userId: user.id, detail: { group: group.name } });
    return c.body(null, 204);
  });

  return app;
}
