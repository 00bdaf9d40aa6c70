/**
 * Admin endpoints for groups and memberships (docs/admin-api.md, "Groups"). Listings are
 * paged like the user listing: `limit` (default 50, at most 200) and an exclusive `after`
 * cursor, answered with `next` (null on the last page). The operations live in
 * src/admin/groups.ts, shared with the console.
 */
import { Hono } from "hono";
import {
  addGroupMember,
  createGroupNamed,
  deleteGroupNamed,
  existingGroup,
  listGroupPage,
  listMemberPage,
  removeGroupMember,
} from "../../admin/groups";
import { resolveUser } from "../../admin/resolve-user";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../admin/users";
import type { Config } from "../../config";
import type { AppEnv } from "../../env";
import type { GroupRow } from "../../groups/store";
import { readJsonObject, readString, required } from "../../http/json-body";
import { MAX_EMAIL_LENGTH } from "../../users/email";
import { adminCaller } from "./admin-audit";
import { queryInteger, readQuery } from "./query-params";
import { isoTime } from "./user-json";

function groupJson(row: GroupRow) {
  return { name: row.name, members: row.members, createdAt: isoTime(row.createdAt) };
}

/** `limit` and `after` of a listing. */
function pageOf(url: string): { limit: number; after: string } {
  const query = readQuery(url, ["limit", "after"]);
  return { limit: queryInteger(query, "limit", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE), after: query.get("after") ?? "" };
}

export function groupAdminRoutes(_config: Config) {
  const app = new Hono<AppEnv>();

  app.get("/groups", async function listGroupsRoute(c) {
    const { page, next } = await listGroupPage(adminCaller(c), pageOf(c.req.url));
    return c.json({ groups: page.map(groupJson), next });
  });

  app.post("/groups", async function createGroupRoute(c) {
    const body = await readJsonObject(c.req.raw, ["name"]);
    const name = required(readString(body, "name", { maxLength: 64 }), "name");
    const group = await createGroupNamed(adminCaller(c), name);
    return c.json({ group: groupJson(group) }, 201);
  });

  app.delete("/groups/:name", async function deleteGroupRoute(c) {
    const caller = adminCaller(c);
    await deleteGroupNamed(caller, await existingGroup(caller, c.req.param("name")));
    return c.body(null, 204);
  });

  app.get("/groups/:name/members", async function listMembersRoute(c) {
    const caller = adminCaller(c);
    const group = await existingGroup(caller, c.req.param("name"));
    const { page, next } = await listMemberPage(caller, group, pageOf(c.req.url));
    return c.json({ members: page, next });
  });

  app.post("/groups/:name/members", async function addMemberRoute(c) {
    const caller = adminCaller(c);
    const group = await existingGroup(caller, c.req.param("name"));
    const body = await readJsonObject(c.req.raw, ["user"]);
    const ref = required(readString(body, "user", { maxLength: MAX_EMAIL_LENGTH + 64 }), "user");
    const user = await resolveUser(c.var.db, ref);
    const result = await addGroupMember(caller, group, user);
    return c.json({ member: { id: user.id, email: user.email } }, result === "added" ? 201 : 200);
  });

  app.delete("/groups/:name/members/:user", async function removeMemberRoute(c) {
    const caller = adminCaller(c);
    const group = await existingGroup(caller, c.req.param("name"));
    const user = await resolveUser(c.var.db, c.req.param("user"));
    await removeGroupMember(caller, group, user);
    return c.body(null, 204);
  });

  return app;
}
