/**
 * The console's users section (docs/admin-console.md, "Users"): search, page, create, edit,
 * disable and delete with a confirmation, and a user's groups, sessions, service tokens and
 * share links. Every change goes through the admin API's operations and is audited with the
 * acting admin's id.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { groupsOfUser } from "../src/groups/store";
import { findUserByEmail, findUserById } from "../src/users/store";
import { auditRows, CONSOLE, consoleGet, consolePost, newUser, pageText, sessionFor, signedInAdmin } from "./console-support";
import { deps, gate } from "./gate-support";

function locationOf(res: Response): string {
  return res.headers.get("Location") ?? "";
}

describe("the users list", () => {
  it("finds users by the start of their email and pages through them", async () => {
    const { cookie } = await signedInAdmin();
    const tag = `srch${crypto.randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 3; i++) await newUser(`${tag}-${i}`);
    await newUser("other");
    const html = await pageText(await consoleGet(`/users?email=${tag}`, cookie));
    expect(html.match(new RegExp(`${tag}-\\d`, "g"))?.length).toBe(3);
    expect(html).not.toContain("other-");
    expect(html).not.toContain("Next page");
  });

  it("offers a next page when there are more users than one page holds", async () => {
    const { cookie } = await signedInAdmin();
    for (let i = 0; i < 51; i++) await newUser("many");
    const html = await pageText(await consoleGet("/users", cookie));
    const next = html.match(/href="([^"]*after=[^"]*)">Next page/)?.[1];
    expect(next).toBeDefined();
    const second = await pageText(await consoleGet(next!.replace(CONSOLE, "").replaceAll("&amp;", "&"), cookie));
    expect(second).toContain("<table");
  });

  it("creates a user and audits it with the acting admin's id", async () => {
    const { cookie, user: admin } = await signedInAdmin();
    const email = `created-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const res = await consolePost("/users", { email: ` ${email.toUpperCase()} `, name: "Ada", active: "yes" }, cookie);
    expect(res.status).toBe(303);
    const user = await findUserByEmail(deps().db, email);
    expect(user?.name).toBe("Ada");
    expect(user?.isActive).toBe(true);
    expect(locationOf(res)).toBe(`${CONSOLE}/users/${user!.id}?done=created`);
    const [row] = await auditRows("user_created", user!.id);
    expect(row?.detail.adminId).toBe(admin.id);
  });

  it("shows the form again with the reason when the email is taken or not an email", async () => {
    const { cookie } = await signedInAdmin();
    const taken = await newUser("taken");
    expect(await pageText(await consolePost("/users", { email: taken.email }, cookie), 400)).toContain("already exists");
    expect(await pageText(await consolePost("/users", { email: "not-an-email" }, cookie), 400)).toContain("valid email");
  });
});

describe("a user's page", () => {
  it("shows the user's groups, sessions, service tokens and recent events", async () => {
    const { cookie } = await signedInAdmin();
    const user = await newUser("shown");
    await sessionFor(user);
    await consolePost(`/users/${user.id}/groups`, { group: "admins" }, cookie);
    const html = await pageText(await consoleGet(`/users/${user.id}`, cookie));
    expect(html).toContain(user.email);
    expect(html).toMatch(/href="\/\.sesame\/admin\/groups\/admins"/);
    expect(html).toContain("End all sessions");
    expect(html).toContain("session_created");
    expect(html).toContain("group_member_added");
  });

  it("answers 404 for a user that does not exist", async () => {
    const { cookie } = await signedInAdmin();
    await pageText(await consoleGet(`/users/${crypto.randomUUID()}`, cookie), 404);
    await pageText(await consoleGet("/users/nobody", cookie), 404);
  });

  it("saves an edit of email, name and active, audited with the admin's id", async () => {
    const { cookie, user: admin } = await signedInAdmin();
    const user = await newUser("edit");
    const email = `renamed-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const res = await consolePost(`/users/${user.id}`, { email, name: "New Name", active: "yes" }, cookie);
    expect(res.status).toBe(303);
    const updated = await findUserById(deps().db, user.id);
    expect(updated?.email).toBe(email);
    expect(updated?.name).toBe("New Name");
    const [row] = await auditRows("user_updated", user.id);
    expect(row?.detail.adminId).toBe(admin.id);
  });

  it("asks before disabling, and disabling ends the user's sessions", async () => {
    const { cookie } = await signedInAdmin();
    const user = await newUser("disable");
    const { sessionId } = await sessionFor(user);
    const ask = await pageText(await consolePost(`/users/${user.id}/disable`, {}, cookie));
    expect(ask).toContain('name="confirm" value="yes"');
    expect((await findUserById(deps().db, user.id))?.isActive).toBe(true);

    expect((await consolePost(`/users/${user.id}/disable`, {}, cookie, { confirm: true })).status).toBe(303);
    expect((await findUserById(deps().db, user.id))?.isActive).toBe(false);
    const session = await env.DB.prepare("SELECT revoked_at FROM sessions WHERE id = ?")
      .bind(sessionId)
      .first<{ revoked_at: number | null }>();
    expect(session?.revoked_at).not.toBeNull();
  });

  it("asks before deleting, then deletes", async () => {
    const { cookie, user: admin } = await signedInAdmin();
    const user = await newUser("delete");
    const ask = await pageText(await consolePost(`/users/${user.id}/delete`, {}, cookie));
    expect(ask).toContain("cannot be undone");
    expect(await findUserById(deps().db, user.id)).not.toBeNull();

    const res = await consolePost(`/users/${user.id}/delete`, {}, cookie, { confirm: true });
    expect(res.status).toBe(303);
    expect(locationOf(res)).toBe(`${CONSOLE}/users?done=deleted`);
    expect(await findUserById(deps().db, user.id)).toBeNull();
    const [row] = await auditRows("user_deleted", user.id);
    expect(row?.detail.adminId).toBe(admin.id);
  });

  it("adds the user to a group and removes them after a confirmation", async () => {
    const { cookie, user: admin } = await signedInAdmin();
    const user = await newUser("member");
    await env.DB.prepare("INSERT OR IGNORE INTO groups (name, created_at) VALUES ('staff', 0)").run();
    expect(locationOf(await consolePost(`/users/${user.id}/groups`, { group: "staff" }, cookie))).toContain("done=group-added");
    expect(await groupsOfUser(deps().db, user.id)).toEqual(["staff"]);
    const [added] = await auditRows("group_member_added", user.id);
    expect(added?.detail.adminId).toBe(admin.id);

    await pageText(await consolePost("/groups/staff/members/remove", { user: user.id }, cookie));
    expect(await groupsOfUser(deps().db, user.id)).toEqual(["staff"]);
    const res = await consolePost("/groups/staff/members/remove", { user: user.id }, cookie, { confirm: true });
    expect(locationOf(res)).toBe(`${CONSOLE}/users/${user.id}?done=member-removed`);
    expect(await groupsOfUser(deps().db, user.id)).toEqual([]);
  });

  it("ends one session after a confirmation, then all of them", async () => {
    const { cookie, user: admin } = await signedInAdmin();
    const user = await newUser("sessions");
    const first = await sessionFor(user);
    const second = await sessionFor(user);
    await pageText(await consolePost(`/users/${user.id}/sessions/revoke`, { sessionId: first.sessionId }, cookie));
    expect((await gate("/.sesame/me", { headers: { Cookie: first.cookie } })).status).toBe(200);

    await consolePost(`/users/${user.id}/sessions/revoke`, { sessionId: first.sessionId }, cookie, { confirm: true });
    expect((await gate("/.sesame/me", { headers: { Cookie: first.cookie } })).status).toBe(401);
    expect((await gate("/.sesame/me", { headers: { Cookie: second.cookie } })).status).toBe(200);
    const [row] = await auditRows("session_revoked", user.id);
    expect(row?.detail).toMatchObject({ sessionId: first.sessionId, revoked: 1, adminId: admin.id });

    await consolePost(`/users/${user.id}/sessions/revoke`, {}, cookie, { confirm: true });
    expect((await gate("/.sesame/me", { headers: { Cookie: second.cookie } })).status).toBe(401);
  });

  it("refuses to end another user's session through this user's page", async () => {
    const { cookie } = await signedInAdmin();
    const user = await newUser("mine");
    const other = await sessionFor(await newUser("theirs"));
    await pageText(await consolePost(`/users/${user.id}/sessions/revoke`, { sessionId: other.sessionId }, cookie, { confirm: true }), 404);
    expect((await gate("/.sesame/me", { headers: { Cookie: other.cookie } })).status).toBe(200);
  });
});

describe("credentials from a user's page", () => {
  it("issues a service token shown once, which the gate accepts, and revokes it after a confirmation", async () => {
    const { cookie, user: admin } = await signedInAdmin();
    const user = await newUser("svc");
    const res = await consolePost(`/users/${user.id}/service-tokens`, { name: "ci-deploy", days: "30" }, cookie);
    const html = await pageText(res, 201);
    const token = html.match(/<textarea[^>]*>\s*([A-Za-z0-9_-]{40,})\s*<\/textarea>/)?.[1];
    expect(token).toBeDefined();
    expect((await gate("/.sesame/me", { headers: { Authorization: `Bearer ${token}` } })).status).not.toBe(500);
    const [issued] = await auditRows("service_token_issued", user.id);
    expect(issued?.detail).toMatchObject({ name: "ci-deploy", adminId: admin.id });
    const id = String(issued?.detail.serviceTokenId);

    const listing = await pageText(await consoleGet(`/users/${user.id}`, cookie));
    expect(listing).toContain("ci-deploy");
    expect(listing).not.toContain(token);

    await pageText(await consolePost(`/service-tokens/${id}/revoke`, {}, cookie));
    const revoke = await consolePost(`/service-tokens/${id}/revoke`, {}, cookie, { confirm: true });
    expect(locationOf(revoke)).toBe(`${CONSOLE}/users/${user.id}?done=token-revoked`);
    const row = await env.DB.prepare("SELECT revoked_at FROM service_tokens WHERE id = ?").bind(id).first<{ revoked_at: number | null }>();
    expect(row?.revoked_at).not.toBeNull();
    const [revoked] = await auditRows("service_token_revoked", user.id);
    expect(revoked?.detail.adminId).toBe(admin.id);
  });

  it("asks for a fresh sign-in before issuing when the admin signed in more than 15 minutes ago", async () => {
    const { cookie } = await signedInAdmin({ ageMs: 16 * 60 * 1000 });
    const user = await newUser("stale");
    expect(await pageText(await consoleGet(`/users/${user.id}`, cookie))).toContain("asks you to sign in again first");
    const html = await pageText(await consolePost(`/users/${user.id}/service-tokens`, { name: "late", days: "1" }, cookie), 403);
    expect(html).toContain("Sign in again");
    expect(html).toMatch(/href="\/\.sesame\/login\?next=%2F\.sesame%2Fcontinue%2F/);
    const rows = await env.DB.prepare("SELECT id FROM service_tokens WHERE user_id = ?").bind(user.id).all();
    expect(rows.results).toHaveLength(0);
    await pageText(await consolePost(`/users/${user.id}/share-links`, { path: "/x", days: "1" }, cookie), 403);
    expect(await auditRows("share_link_issued", user.id)).toHaveLength(0);
  });

  it("still lets an admin signed in 14 minutes ago issue", async () => {
    const { cookie } = await signedInAdmin({ ageMs: 14 * 60 * 1000 });
    const user = await newUser("fresh");
    await pageText(await consolePost(`/users/${user.id}/service-tokens`, { name: "ok", days: "1" }, cookie), 201);
  });

  it("issues a share link shown once and revokes it when its link is pasted back", async () => {
    const { cookie, user: admin } = await signedInAdmin();
    const user = await newUser("share");
    const html = await pageText(await consolePost(`/users/${user.id}/share-links`, { path: "/reports/42", days: "7" }, cookie), 201);
    const link = html.match(/<textarea[^>]*>\s*(http[^<\s]+)\s*<\/textarea>/)?.[1]?.replaceAll("&amp;", "&");
    expect(link).toMatch(/^http:\/\/localhost:8787\/reports\/42\?sesame=/);
    const [issued] = await auditRows("share_link_issued", user.id);
    expect(issued?.detail).toMatchObject({ scope: "path:/reports/42", adminId: admin.id });

    await pageText(await consolePost("/tokens/revoke", { token: link!, back: user.id }, cookie));
    const res = await consolePost("/tokens/revoke", { token: link!, back: user.id }, cookie, { confirm: true });
    expect(locationOf(res)).toBe(`${CONSOLE}/users/${user.id}?done=link-revoked`);
    const [revoked] = await auditRows("token_revoked", user.id);
    expect(revoked?.detail).toMatchObject({ scope: "path:/reports/42", adminId: admin.id });
  });

  it("issues a share link that may also send the methods ticked on the form", async () => {
    const { cookie } = await signedInAdmin();
    const user = await newUser("share-methods");
    const form = await pageText(await consoleGet(`/users/${user.id}`, cookie));
    for (const method of ["post", "put", "patch", "delete"]) expect(form).toContain(`name="method-${method}"`);
    const fields = { path: "/forms/*", days: "1", "method-post": "yes", "method-delete": "yes" };
    const html = await pageText(await consolePost(`/users/${user.id}/share-links`, fields, cookie), 201);
    expect(html).toContain("may also send POST, DELETE there from the shared pages");
    const [issued] = await auditRows("share_link_issued", user.id);
    expect(issued?.detail).toMatchObject({ scope: "path:/forms/* POST,DELETE" });
  });

  it("explains a bad lifetime or path on a console page", async () => {
    const { cookie } = await signedInAdmin();
    const user = await newUser("bad");
    expect(await pageText(await consolePost(`/users/${user.id}/service-tokens`, { name: "x", days: "0" }, cookie), 400)).toContain(
      "lifetime",
    );
    expect(await pageText(await consolePost(`/users/${user.id}/share-links`, { path: "/a/../b", days: "1" }, cookie), 400)).toContain("..");
  });
});
