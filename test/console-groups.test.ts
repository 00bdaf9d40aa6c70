/**
 * The console's groups section, audit log, access check and settings
 * (docs/admin-console.md), and ADMIN_EMAILS, which only seeds an ADMIN_GROUP that does not
 * exist yet.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { recordEvent } from "../src/audit/record-event";
import { parseConfig } from "../src/config";
import type { ConfigError } from "../src/errors";
import { findGroup, groupsOfUser } from "../src/groups/store";
import { findUserByEmail } from "../src/users/store";
import { admin } from "./admin-client";
import { auditRows, consoleGet, consolePost, newUser, pageText, sessionFor, signedInAdmin } from "./console-support";
import { deps } from "./gate-support";
import { workerWith } from "./login-helpers";

function groupName(): string {
  return `g-${crypto.randomUUID().slice(0, 8)}`;
}

describe("groups", () => {
  it("creates a group, adds and removes a member, and deletes it after a confirmation", async () => {
    const { cookie, user: admin } = await signedInAdmin();
    const name = groupName();
    const created = await consolePost("/groups", { name }, cookie);
    expect(created.headers.get("Location")).toBe(`/.sesame/admin/groups/${name}?done=created`);
    expect(await pageText(await consoleGet("/groups", cookie))).toContain(name);

    const member = await newUser("grp");
    await consolePost(`/groups/${name}/members`, { user: member.email }, cookie);
    expect(await groupsOfUser(deps().db, member.id)).toEqual([name]);
    expect(await pageText(await consoleGet(`/groups/${name}`, cookie))).toContain(member.email);

    await consolePost(`/groups/${name}/members/remove`, { user: member.id, back: "group" }, cookie, { confirm: true });
    expect(await groupsOfUser(deps().db, member.id)).toEqual([]);

    expect(await pageText(await consolePost(`/groups/${name}/delete`, {}, cookie))).toContain("Delete this group?");
    expect(await findGroup(deps().db, name)).not.toBeNull();
    await consolePost(`/groups/${name}/delete`, {}, cookie, { confirm: true });
    expect(await findGroup(deps().db, name)).toBeNull();

    for (const event of ["group_created", "group_deleted"]) {
      const rows = await auditRows(event);
      expect(rows.find((row) => row.detail.group === name)?.detail.adminId).toBe(admin.id);
    }
    const [added] = await auditRows("group_member_added", member.id);
    expect(added?.detail.adminId).toBe(admin.id);
  });

  it("explains a bad group name, a taken one and an unknown member", async () => {
    const { cookie } = await signedInAdmin();
    expect(await pageText(await consolePost("/groups", { name: "Bad Name" }, cookie), 400)).toContain("group name");
    const name = groupName();
    await consolePost("/groups", { name }, cookie);
    await pageText(await consolePost("/groups", { name }, cookie), 409);
    await pageText(await consolePost(`/groups/${name}/members`, { user: "nobody@example.com" }, cookie), 404);
  });

  it("never deletes the admin group, from the console or the API", async () => {
    const { cookie } = await signedInAdmin();
    expect(await pageText(await consolePost("/groups/admins/delete", {}, cookie, { confirm: true }), 409)).toContain("cannot be deleted");
    expect(await findGroup(deps().db, "admins")).not.toBeNull();
    const res = await admin("DELETE", "/groups/admins");
    expect(res.status).toBe(409);
    expect(await findGroup(deps().db, "admins")).not.toBeNull();
  });
});

describe("the audit log", () => {
  it("filters by event and user, newest first, and shows an event's detail with the acting admin", async () => {
    const { cookie, user: admin } = await signedInAdmin();
    const user = await newUser("audited");
    await consolePost(`/users/${user.id}`, { email: user.email, name: "One", active: "yes" }, cookie);
    await consolePost(`/users/${user.id}`, { email: user.email, name: "Two", active: "yes" }, cookie);
    const html = await pageText(await consoleGet(`/events?event=user_updated&user=${encodeURIComponent(user.email)}`, cookie));
    const ids = [...html.matchAll(/href="\/\.sesame\/admin\/events\/(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBeGreaterThan(ids[1]!);
    expect(html).not.toContain("session_created");

    const detail = await pageText(await consoleGet(`/events/${ids[0]}`, cookie));
    expect(detail).toContain("user_updated");
    expect(detail).toContain(`href="/.sesame/admin/users/${admin.id}"`);
  });

  it("filters by time and pages to older events", async () => {
    const { cookie } = await signedInAdmin();
    const future = await pageText(await consoleGet("/events?since=2999-01-01T00:00", cookie));
    expect(future).toContain("No events.");
    const past = await pageText(await consoleGet("/events?until=2000-01-01T00:00", cookie));
    expect(past).toContain("No events.");
    for (let i = 0; i < 55; i++) await recordEvent(deps().db, { event: "rate_limited", reason: "paging" });
    const first = await pageText(await consoleGet("/events", cookie));
    const older = first.match(/href="\/\.sesame\/admin\/events\?([^"]*before=\d+[^"]*)">Older/)?.[1];
    expect(older).toBeDefined();
    await pageText(await consoleGet(`/events?${older!.replaceAll("&amp;", "&")}`, cookie));
  });

  it("explains a bad filter instead of failing", async () => {
    const { cookie } = await signedInAdmin();
    await pageText(await consoleGet("/events?event=Not%20An%20Event", cookie), 400);
    await pageText(await consoleGet("/events?since=yesterday", cookie), 400);
    await pageText(await consoleGet("/events/999999999", cookie), 404);
  });
});

describe("the access check", () => {
  it("answers with the gate's decision for a user and a URL", async () => {
    const { cookie } = await signedInAdmin();
    const user = await newUser("access");
    const html = await pageText(await consoleGet(`/access?email=${encodeURIComponent(user.email)}&url=http://localhost:8787/x`, cookie));
    expect(html).toContain("<code>allow</code>");
    const anonymous = await pageText(await consoleGet("/access?url=http://localhost:8787/x", cookie));
    expect(anonymous).toContain("<code>sign-in</code>");
    const publicPath = await pageText(await consoleGet("/access?url=http://localhost:8787/healthz", cookie));
    expect(publicPath).toContain("<code>bypass</code>");
  });

  it("explains a URL that is not one", async () => {
    const { cookie } = await signedInAdmin();
    expect(await pageText(await consoleGet("/access?url=nowhere", cookie), 400)).toContain("absolute http(s) URL");
  });
});

describe("the settings page", () => {
  it("shows the effective configuration with every secret only as set or not set", async () => {
    const { cookie } = await signedInAdmin();
    const html = await pageText(await consoleGet("/settings", cookie));
    expect(html).toContain("<code>http://localhost:8787</code>");
    expect(html).toMatch(/<code>SESAME_SECRET<\/code><\/th><td><em>set<\/em>/);
    expect(html).toMatch(/<code>MAILCHANNELS_API_KEY<\/code><\/th><td><em>not set<\/em>/);
    for (const secret of [env.SESAME_SECRET, env.ADMIN_TOKEN, JSON.parse(env.SIGNING_KEYS)[0].d]) expect(html).not.toContain(secret);
  });
});

describe("ADMIN_EMAILS", () => {
  it("makes the listed addresses admins of a fresh deployment, creating their users", async () => {
    const group = groupName();
    const email = `first-admin-${crypto.randomUUID().slice(0, 6)}@example.com`;
    const edge = workerWith({ ADMIN_GROUP: group, ADMIN_EMAILS: ` ${email.toUpperCase()} ` });
    const someone = await newUser("visitor");
    await consoleGet("/users", (await sessionFor(someone)).cookie, edge);
    const admin = await findUserByEmail(deps().db, email);
    expect(admin).not.toBeNull();
    expect(await groupsOfUser(deps().db, admin!.id)).toEqual([group]);
    expect(await pageText(await consoleGet("/users", (await sessionFor(admin!)).cookie, edge))).toContain("Create a user");
  });

  it("never adds back an admin that was removed, nor seeds a group that exists", async () => {
    const group = groupName();
    const first = await newUser("seeded");
    const edge = workerWith({ ADMIN_GROUP: group, ADMIN_EMAILS: first.email });
    const { cookie } = await sessionFor(first);
    await pageText(await consoleGet("/users", cookie, edge));
    await env.DB.prepare("DELETE FROM group_members WHERE group_name = ?").bind(group).run();
    await pageText(await consoleGet("/users", cookie, edge), 403);
    expect(await groupsOfUser(deps().db, first.id)).toEqual([]);
  });

  it("refuses an entry that is not an email address", () => {
    let problems: string[] = [];
    try {
      parseConfig({ ...env, ADMIN_EMAILS: "admin@example.com, nope" } as never);
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems).toEqual(['ADMIN_EMAILS entry "nope" must be an email address']);
  });
});
