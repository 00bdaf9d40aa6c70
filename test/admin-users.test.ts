import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { checkToken } from "../src/auth/token-service";
import { parseConfig } from "../src/config";
import { createDb } from "../src/db/client";
import { sessions } from "../src/db/schema";
import { revokedSessionKey } from "../src/kv/keys";
import { findUserById } from "../src/users/store";
import { ADMIN_BASE, admin, adminOk, createUserViaApi, expectError, tokenDeps, type UserJson, uniqueEmail } from "./admin-client";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe("admin API authentication", () => {
  it("refuses a request without a token with 401 JSON and WWW-Authenticate", async () => {
    const res = await admin("GET", "/users", { authorization: null });
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="sesame-admin"');
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect((await expectError(res, 401)).error).toBe("unauthenticated");
  });

  it("refuses a wrong token, a token without the Bearer scheme and an empty Bearer", async () => {
    for (const authorization of [`Bearer ${env.ADMIN_TOKEN}x`, env.ADMIN_TOKEN, "Bearer ", `Basic ${env.ADMIN_TOKEN}`]) {
      const res = await admin("GET", "/users", { authorization });
      expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
      await expectError(res, 401);
    }
  });

  it("refuses before reading input: a bad body without the token is still a 401", async () => {
    await expectError(await admin("POST", "/users", { authorization: null, raw: "{nope" }), 401);
  });

  it("answers 404 for every admin path when ADMIN_TOKEN is empty, even to an empty Bearer", async () => {
    const offEnv = { ...env, ADMIN_TOKEN: "" };
    const app = createApp(parseConfig(offEnv));
    for (const authorization of ["Bearer ", `Bearer ${env.ADMIN_TOKEN}`]) {
      const ctx = createExecutionContext();
      const res = await app.fetch(new Request(`${ADMIN_BASE}/users`, { headers: { Authorization: authorization } }), offEnv, ctx);
      await waitOnExecutionContext(ctx);
      expect((await expectError(res, 404)).error).toBe("not_found");
      expect(res.headers.get("WWW-Authenticate")).toBeNull();
    }
  });

  it("answers an unknown admin endpoint with 404 once authenticated", async () => {
    await expectError(await admin("GET", "/nothing-here"), 404);
  });
});

describe("creating users", () => {
  it("creates a user with a normalised email, trimmed name and ISO times", async () => {
    const email = uniqueEmail("Create");
    const res = await admin("POST", "/users", { json: { email: `  ${email.toUpperCase()} `, name: "  Ada Lovelace " } });
    expect(res.status).toBe(201);
    const { user } = (await res.json()) as { user: UserJson & Record<string, unknown> };
    expect(user).toMatchObject({ email: email.toLowerCase(), name: "Ada Lovelace", active: true, lastLoginAt: null });
    expect(user.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user.createdAt).toMatch(ISO);
    expect(user.updatedAt).toMatch(ISO);
    expect(Object.keys(user).sort()).toEqual(["active", "createdAt", "email", "id", "lastLoginAt", "name", "updatedAt"]);
  });

  it("creates an inactive user when asked", async () => {
    expect((await createUserViaApi({ active: false })).active).toBe(false);
  });

  it("accepts a name of exactly 200 characters", async () => {
    expect((await createUserViaApi({ name: "n".repeat(200) })).name).toHaveLength(200);
  });

  it("refuses a duplicate email, whatever its case, with 409 naming email", async () => {
    const email = uniqueEmail("dup");
    await createUserViaApi({ email });
    const body = await expectError(await admin("POST", "/users", { json: { email: email.toUpperCase() } }), 409, "email");
    expect(body.error).toBe("conflict");
  });

  it.each([
    ["a missing email", { name: "x" }, "email"],
    ["an email without a domain", { email: "nobody@" }, "email"],
    ["an email with a space", { email: "a b@example.com" }, "email"],
    ["an email that is a number", { email: 42 }, "email"],
    ["an email that is too long", { email: `${"a".repeat(250)}@example.com` }, "email"],
    ["a name of 201 characters", { email: "long-name@example.com", name: "n".repeat(201) }, "name"],
    ["a name with a line break", { email: "crlf-name@example.com", name: "a\r\nb" }, "name"],
    ["a name that is null", { email: "null-name@example.com", name: null }, "name"],
    ["active as a string", { email: "active-str@example.com", active: "true" }, "active"],
    ["an unknown field", { email: "unknown@example.com", isAdmin: true }, "isAdmin"],
  ])("refuses %s with 400 naming the field", async (_label, json, field) => {
    const body = await expectError(await admin("POST", "/users", { json }), 400, field);
    expect(body.error).toBe("invalid_request");
  });

  it.each([
    ["invalid JSON", '{"email": ', undefined],
    ["a JSON array", "[]", undefined],
    ["a JSON string", '"a@example.com"', undefined],
    ["null", "null", undefined],
    ["form encoding", "email=a%40example.com", "application/x-www-form-urlencoded"],
  ])("refuses a body of %s with 400 field body", async (_label, raw, contentType) => {
    const headers: Record<string, string> = contentType ? { "Content-Type": contentType } : {};
    await expectError(await admin("POST", "/users", { raw, headers }), 400, "body");
  });

  it("refuses a body over 16 KiB with 413 field body", async () => {
    await expectError(await admin("POST", "/users", { json: { email: "big@example.com", name: "x".repeat(20_000) } }), 413, "body");
  });

  it("refuses an empty body with 400 field email", async () => {
    await expectError(await admin("POST", "/users"), 400, "email");
  });
});

describe("reading users", () => {
  it("gets a user by id, by email in any case, and by percent-encoded email", async () => {
    const created = await createUserViaApi({ email: uniqueEmail("get+tag") });
    for (const ref of [created.id, created.id.toUpperCase(), created.email.toUpperCase(), encodeURIComponent(created.email)]) {
      const { user } = await adminOk<{ user: UserJson }>("GET", `/users/${ref}`, 200);
      expect(user).toEqual({ ...created, groups: [] });
    }
  });

  it("gets a user whose address holds a slash, percent-encoded in the path", async () => {
    const created = await createUserViaApi({ email: `dept/${uniqueEmail("slash")}` });
    const { user } = await adminOk<{ user: UserJson }>("GET", `/users/${encodeURIComponent(created.email)}`, 200);
    expect(user.id).toBe(created.id);
  });

  it.each([
    ["an unknown id", crypto.randomUUID()],
    ["an unknown email", "nobody-here@example.com"],
    ["something that is neither", "not-a-user"],
  ])("answers 404 for %s", async (_label, ref) => {
    expect((await expectError(await admin("GET", `/users/${ref}`), 404)).error).toBe("not_found");
  });
});

describe("listing users", () => {
  it("pages through a prefix without gaps or repeats, and ends with next null", async () => {
    const prefix = `page-${crypto.randomUUID().slice(0, 8)}-`;
    const emails = await Promise.all(
      [..."gcaefbd"].map(async (letter) => (await createUserViaApi({ email: `${prefix}${letter}@example.com` })).email),
    );
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let after: string | null = "";
    while (after !== null) {
      const query = new URLSearchParams({ email: prefix.toUpperCase(), limit: "3", ...(after ? { after } : {}) });
      const page: { users: UserJson[]; next: string | null } = await adminOk("GET", `/users?${query}`, 200);
      pageSizes.push(page.users.length);
      seen.push(...page.users.map((u) => u.email));
      after = page.next;
      if (after !== null) expect(after).toBe(page.users[page.users.length - 1]!.email);
    }
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(seen).toEqual([...emails].sort());
  });

  it("gives next null when the last page is exactly full", async () => {
    const prefix = `full-${crypto.randomUUID().slice(0, 8)}-`;
    for (const n of [1, 2]) await createUserViaApi({ email: `${prefix}${n}@example.com` });
    const page = await adminOk("GET", `/users?email=${prefix}&limit=2`, 200);
    expect(page.users).toHaveLength(2);
    expect(page.next).toBeNull();
  });

  it("treats _ and % in the prefix as plain characters", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const underscore = await createUserViaApi({ email: `u_${tag}@example.com` });
    await createUserViaApi({ email: `ux${tag}@example.com` });
    const percent = await createUserViaApi({ email: `p%${tag}@example.com` });
    await createUserViaApi({ email: `pz${tag}@example.com` });
    const byUnderscore = await adminOk("GET", `/users?email=${encodeURIComponent(`u_${tag}`)}`, 200);
    expect(byUnderscore.users.map((u: UserJson) => u.email)).toEqual([underscore.email]);
    const byPercent = await adminOk("GET", `/users?email=${encodeURIComponent(`p%${tag}`)}`, 200);
    expect(byPercent.users.map((u: UserJson) => u.email)).toEqual([percent.email]);
  });

  it("defaults to pages of 50", async () => {
    const prefix = `many-${crypto.randomUUID().slice(0, 8)}-`;
    await Promise.all(
      Array.from({ length: 51 }, (_, i) => createUserViaApi({ email: `${prefix}${String(i).padStart(2, "0")}@example.com` })),
    );
    const page = await adminOk("GET", `/users?email=${prefix}`, 200);
    expect(page.users).toHaveLength(50);
    expect(page.next).toBe(`${prefix}49@example.com`);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=abc", "limit"],
    ["limit=1.5", "limit"],
    ["limit=-1", "limit"],
    ["limit=1&limit=2", "limit"],
    ["emial=a", "emial"],
    [`after=${"a".repeat(300)}`, "after"],
  ])("refuses ?%s with 400 naming %s", async (query, field) => {
    await expectError(await admin("GET", `/users?${query}`), 400, field);
  });
});

describe("updating users", () => {
  it("changes the name and keeps issued tokens alive", async () => {
    const created = await createUserViaApi({ name: "Before" });
    const { token } = await adminOk("POST", `/users/${created.id}/tokens`, 201);
    const { user } = await adminOk<{ user: UserJson }>("PATCH", `/users/${created.email}`, 200, { json: { name: "After" } });
    expect(user).toMatchObject({ id: created.id, name: "After", email: created.email, active: true });
    expect(Date.parse(user.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    expect((await checkToken(tokenDeps(), token, { scope: "" })).ok).toBe(true);
  });

  it("changes the email (normalised), which invalidates a token issued before", async () => {
    const created = await createUserViaApi();
    const { token } = await adminOk("POST", `/users/${created.id}/tokens`, 201);
    expect((await checkToken(tokenDeps(), token, { scope: "" })).ok).toBe(true);
    const newEmail = uniqueEmail("moved");
    const { user } = await adminOk<{ user: UserJson }>("PATCH", `/users/${created.id}`, 200, {
      json: { email: ` ${newEmail.toUpperCase()}` },
    });
    expect(user.email).toBe(newEmail);
    expect(await checkToken(tokenDeps(), token, { scope: "" })).toMatchObject({ ok: false, reason: "revoked" });
    await expectError(await admin("GET", `/users/${created.email}`), 404);
    expect((await adminOk("GET", `/users/${newEmail}`, 200)).user.id).toBe(created.id);
  });

  it("deactivates a user, whose token then fails and stays dead after reactivation", async () => {
    const created = await createUserViaApi();
    const { token } = await adminOk("POST", `/users/${created.id}/tokens`, 201, { json: { scope: "path:/reports/1" } });
    const { user } = await adminOk("PATCH", `/users/${created.id}`, 200, { json: { active: false } });
    expect(user.active).toBe(false);
    expect(await checkToken(tokenDeps(), token, { scope: "path:/reports/1" })).toMatchObject({ ok: false, reason: "inactive_user" });
    await adminOk("PATCH", `/users/${created.id}`, 200, { json: { active: true } });
    expect(await checkToken(tokenDeps(), token, { scope: "path:/reports/1" })).toMatchObject({ ok: false, reason: "revoked" });
  });

  it("ends the live sessions of a deactivated user in D1 and KV", async () => {
    const created = await createUserViaApi();
    const sessionId = await insertSession(created.id);
    await adminOk("PATCH", `/users/${created.id}`, 200, { json: { active: false } });
    const row = await createDb(env.DB).select().from(sessions).where(eq(sessions.id, sessionId)).get();
    expect(row?.revokedAt).toEqual(expect.any(Number));
    expect(await env.REVOKED.get(revokedSessionKey(sessionId))).not.toBeNull();
  });

  it("keeps the security stamp when the email is set to the one it already has", async () => {
    const created = await createUserViaApi();
    const before = await findUserById(createDb(env.DB), created.id);
    await adminOk("PATCH", `/users/${created.id}`, 200, { json: { email: created.email.toUpperCase() } });
    expect((await findUserById(createDb(env.DB), created.id))?.securityStamp).toBe(before?.securityStamp);
  });

  it("refuses an email that belongs to another user with 409 naming email", async () => {
    const [a, b] = [await createUserViaApi(), await createUserViaApi()];
    await expectError(await admin("PATCH", `/users/${a.id}`, { json: { email: b.email } }), 409, "email");
    expect((await adminOk("GET", `/users/${a.id}`, 200)).user.email).toBe(a.email);
  });

  it.each([
    ["an empty object", {}, "body"],
    ["a bad email", { email: "not-an-email" }, "email"],
    ["a name of 201 characters", { name: "x".repeat(201) }, "name"],
    ["active as a number", { active: 0 }, "active"],
    ["an unknown field", { securityStamp: "x" }, "securityStamp"],
  ])("refuses %s with 400 naming the field", async (_label, json, field) => {
    const created = await createUserViaApi();
    await expectError(await admin("PATCH", `/users/${created.id}`, { json }), 400, field);
  });

  it("answers 404 for an unknown user", async () => {
    await expectError(await admin("PATCH", `/users/${crypto.randomUUID()}`, { json: { name: "x" } }), 404);
  });
});

describe("deleting users", () => {
  it("deletes a user (204), after which it is gone and its sessions are revoked in KV", async () => {
    const created = await createUserViaApi();
    const sessionId = await insertSession(created.id);
    const res = await admin("DELETE", `/users/${created.email}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    await expectError(await admin("GET", `/users/${created.id}`), 404);
    expect(await env.REVOKED.get(revokedSessionKey(sessionId))).not.toBeNull();
  });

  it("answers 404 when deleting a user that does not exist", async () => {
    await expectError(await admin("DELETE", `/users/${crypto.randomUUID()}`), 404);
  });
});

/** A live session row, as the login flow would write it. */
async function insertSession(userId: string): Promise<string> {
  const id = crypto.randomUUID();
  const now = Date.now();
  await createDb(env.DB)
    .insert(sessions)
    .values({ id, userId, amr: "link", createdAt: now, lastSeenAt: now, expiresAt: now + 3600_000 })
    .run();
  return id;
}
