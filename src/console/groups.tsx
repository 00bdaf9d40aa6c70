/**
 * The console's groups section (docs/admin-console.md, "Groups"): list, create, delete, and
 * add or remove members, through the operations the admin API calls (src/admin/groups.ts).
 */
import { type Context, Hono } from "hono";
import {
  addGroupMember,
  createGroupNamed,
  deleteGroupNamed,
  existingGroup,
  listGroupPage,
  listMemberPage,
  removeGroupMember,
} from "../admin/groups";
import { resolveUser } from "../admin/resolve-user";
import { DEFAULT_PAGE_SIZE } from "../admin/users";
import type { Config } from "../config";
import { MAX_EMAIL_LENGTH } from "../users/email";
import type { ConsoleEnv } from "./auth";
import { consoleCaller, doneRedirect, readConsoleForm, unlessConfirmed } from "./forms";
import { GroupPage, GroupsPage } from "./pages/groups-page";
import { consolePage } from "./pages/layout";

const GROUP_NOTICES: Record<string, string> = {
  created: "The group was created.",
  deleted: "The group was deleted.",
  "member-added": "The member was added.",
  "member-exists": "That user already was a member.",
  "member-removed": "The member was removed.",
};

function groupNotice(c: Context<ConsoleEnv>): string | null {
  return GROUP_NOTICES[c.req.query("done") ?? ""] ?? null;
}

export function consoleGroupRoutes(config: Config) {
  const app = new Hono<ConsoleEnv>();
  const admin = `${config.authPrefix}/admin`;

  app.get("/groups", async function showGroups(c) {
    const after = (c.req.query("after") ?? "").slice(0, MAX_EMAIL_LENGTH);
    const { page, next } = await listGroupPage(consoleCaller(c), { after, limit: DEFAULT_PAGE_SIZE });
    return consolePage(c, <GroupsPage config={config} email={c.var.admin.email} groups={page} next={next} notice={groupNotice(c)} />);
  });

  app.post("/groups", async function createGroupForm(c) {
    const form = await readConsoleForm(c);
    const group = await createGroupNamed(consoleCaller(c), form("name", 64).trim());
    return doneRedirect(c, `${admin}/groups/${group.name}`, "created");
  });

  app.get("/groups/:name", async function showGroup(c) {
    const caller = consoleCaller(c);
    const group = await existingGroup(caller, c.req.param("name"));
    const after = (c.req.query("after") ?? "").slice(0, MAX_EMAIL_LENGTH);
    const { page, next } = await listMemberPage(caller, group, { after, limit: DEFAULT_PAGE_SIZE });
    const view = <GroupPage config={config} email={c.var.admin.email} group={group} members={page} next={next} notice={groupNotice(c)} />;
    return consolePage(c, view);
  });

  app.post("/groups/:name/delete", async function deleteGroupForm(c) {
    const caller = consoleCaller(c);
    const group = await existingGroup(caller, c.req.param("name"));
    const form = await readConsoleForm(c);
    const ask = unlessConfirmed(c, form, {
      title: "Delete this group?",
      question: `The group ${group.name} and its ${group.members} membership(s) will be deleted. Policies that name it will match nobody.`,
      fields: {},
      button: "Delete group",
      back: `${admin}/groups/${group.name}`,
    });
    if (ask) return ask;
    await deleteGroupNamed(caller, group);
    return doneRedirect(c, `${admin}/groups`, "deleted");
  });

  app.post("/groups/:name/members", async function addMemberForm(c) {
    const caller = consoleCaller(c);
    const group = await existingGroup(caller, c.req.param("name"));
    const form = await readConsoleForm(c);
    const user = await resolveUser(c.var.db, form("user", MAX_EMAIL_LENGTH + 64));
    const result = await addGroupMember(caller, group, user);
    return doneRedirect(c, `${admin}/groups/${group.name}`, result === "added" ? "member-added" : "member-exists");
  });

  app.post("/groups/:name/members/remove", async function removeMemberForm(c) {
    const caller = consoleCaller(c);
    const group = await existingGroup(caller, c.req.param("name"));
    const form = await readConsoleForm(c);
    const user = await resolveUser(c.var.db, form("user", MAX_EMAIL_LENGTH + 64));
    const toGroup = form("back", 8) === "group";
    const back = toGroup ? `${admin}/groups/${group.name}` : `${admin}/users/${user.id}`;
    const self = user.id === c.var.admin.userId && group.name === config.adminGroup;
    const ask = unlessConfirmed(c, form, {
      title: "Remove this member?",
      question: self
        ? `You are removing yourself from ${group.name}: you lose the admin console at once.`
        : `${user.email} will no longer be a member of ${group.name}.`,
      fields: { user: user.id, ...(toGroup ? { back: "group" } : {}) },
      button: "Remove",
      back,
    });
    if (ask) return ask;
    await removeGroupMember(caller, group, user);
    // Removing yourself from the admin group closes the console: go to the front page, which says so.
    return doneRedirect(c, self ? admin : back, "member-removed");
  });

  return app;
}
