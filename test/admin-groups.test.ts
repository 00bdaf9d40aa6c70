import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { groupsOfUser } from "../src/groups/store";
import { admin, adminOk, createUserViaApi, uniqueEmail } from "./admin-client";

let counter = 0;
const uniqueGroup = (label = "g") => `${label}-${++counter}-${crypto.randomUUID().slice(0, 8)}`;

describe("POST /groups", () => {
  it("creates a group with no members", async () => {
    const name = uniqueGroup();
    const body = await adminOk("POST", "/groups", 201, { json: { name } });
    expect(body).toEqual({ group: { name, members: 0, createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) } });
  });

  it("answers 409 for a name that exists", async () => {
    const name = uniqueGroup();
    await adminOk("POST", "/groups", 201, { json: { name } });
    const res = await admin("POST", "/groups", { json: { name } });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: "conflict", field: "name" });
  });

  it.each(["Admins", "-x", "", "a b", "x".repeat(65), "a:b"])("refuses the name %j, naming the field", async (name) => {
    const res = await admin("POST", "/groups", { json: { name } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_request", field: "name" });
  });

  it("refuses unknown fields", async () => {
    const res = await admin("POST", "/groups", { json: { name: uniqueGroup(), colour: "red" } });
    expect(res.status).toBe(400);
  });
});

describe("GET /groups", () => {
  it("pages by name with limit and after, and counts members", async () => {
    const prefix = `page-${crypto.randomUUID().slice(0, 8)}`;
    const names = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    for (const name of names) await adminOk("POST", "/groups", 201, { json: { name } });
    const user = await createUserViaApi();
    await adminOk("POST", `/groups/${names[1]}/members`, 201, { json: { user: user.id } });

    const first = await adminOk("GET", `/groups?limit=2&after=${prefix}`, 200);
    expect(first.groups.map((g: { name: string }) => g.name)).toEqual(names.slice(0, 2));
    expect(first.groups[1]).toMatchObject({ name: names[1], members: 1 });
    expect(first.next).toBe(names[1]);
    const second = await adminOk("GET", `/groups?limit=1&after=${first.next}`, 200);
    expect(second.groups).toEqual([expect.objectContaining({ name: names[2], members: 0 })]);
  });

  it("refuses a bad limit and unknown parameters", async () => {
    expect((await admin("GET", "/groups?limit=0")).status).toBe(400);
    expect((await admin("GET", "/groups?limit=201")).status).toBe(400);
    expect((await admin("GET", "/groups?name=x")).status).toBe(400);
  });
});

describe("members", () => {
  it("adds a member by id or email: 201 the first time, 200 after", async () => {
    const name = uniqueGroup();
    await adminOk("POST", "/groups", 201, { json: { name } });
    const user = await createUserViaApi();
    expect(await adminOk("POST", `/groups/${name}/members`, 201, { json: { user: user.id } })).toEqual({
      member: { id: user.id, email: user.email },
    });
    expect(await adminOk("POST", `/groups/${name}/members`, 200, { json: { user: user.email.toUpperCase() } })).toEqual({
      member: { id: user.id, email: user.email },
    });
  });

  it("lists members by email, paged", async () => {
    const name = uniqueGroup();
    await adminOk("POST", "/groups", 201, { json: { name } });
    const users = [await createUserViaApi({ email: `a-${uniqueEmail()}` }), await createUserViaApi({ email: `b-${uniqueEmail()}` })];
    for (const user of users) await adminOk("POST", `/groups/${name}/members`, 201, { json: { user: user.id } });
    const first = await adminOk("GET", `/groups/${name}/members?limit=1`, 200);
    expect(first).toEqual({ members: [{ id: users[0]!.id, email: users[0]!.email }], next: users[0]!.email });
    const second = await adminOk("GET", `/groups/${name}/members?limit=1&after=${encodeURIComponent(first.next)}`, 200);
    expect(second).toEqual({ members: [{ id: users[1]!.id, email: users[1]!.email }], next: null });
  });

  it("removes a member (204), and answers 404 when the user is not one", async () => {
    const name = uniqueGroup();
    await adminOk("POST", "/groups", 201, { json: { name } });
    const user = await createUserViaApi();
    await adminOk("POST", `/groups/${name}/members`, 201, { json: { user: user.id } });
    expect((await admin("DELETE", `/groups/${name}/members/${user.email}`)).status).toBe(204);
    expect((await admin("DELETE", `/groups/${name}/members/${user.id}`)).status).toBe(404);
    expect(await adminOk("GET", `/groups/${name}/members`, 200)).toEqual({ members: [], next: null });
  });

  it("answers 404 for an unknown group or user, and 400 for a missing user field", async () => {
    const user = await createUserViaApi();
    expect((await admin("POST", `/groups/${uniqueGroup()}/members`, { json: { user: user.id } })).status).toBe(404);
    expect((await admin("GET", `/groups/${uniqueGroup()}/members`)).status).toBe(404);
    const name = uniqueGroup();
    await adminOk("POST", "/groups", 201, { json: { name } });
    expect((await admin("POST", `/groups/${name}/members`, { json: { user: "nobody@example.com" } })).status).toBe(404);
    const missing = await admin("POST", `/groups/${name}/members`, { json: {} });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ field: "user" });
  });
});

describe("DELETE /groups/:name", () => {
  it("deletes the group and its memberships", async () => {
    const name = uniqueGroup();
    await adminOk("POST", "/groups", 201, { json: { name } });
    const user = await createUserViaApi();
    await adminOk("POST", `/groups/${name}/members`, 201, { json: { user: user.id } });
    expect((await admin("DELETE", `/groups/${name}`)).status).toBe(204);
    expect(await groupsOfUser(createDb(env.DB), user.id)).toEqual([]);
    expect((await admin("DELETE", `/groups/${name}`)).status).toBe(404);
    // A new group of the same name starts empty.
    expect(await adminOk("POST", "/groups", 201, { json: { name } })).toMatchObject({ group: { members: 0 } });
  });

  it("answers 400 naming the field for a malformed name", async () => {
    const res = await admin("DELETE", "/groups/Not%20A%20Name");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "name" });
  });
});

describe("GET /users/:user", () => {
  it("lists the user's groups, and deleting the user removes its memberships", async () => {
    const [a, b] = [uniqueGroup("b"), uniqueGroup("a")];
    for (const name of [a, b]) await adminOk("POST", "/groups", 201, { json: { name } });
    const user = await createUserViaApi();
    expect((await adminOk("GET", `/users/${user.id}`, 200)).user.groups).toEqual([]);
    for (const name of [a, b]) await adminOk("POST", `/groups/${name}/members`, 201, { json: { user: user.id } });
    expect((await adminOk("GET", `/users/${user.email}`, 200)).user.groups).toEqual([b, a].sort());
    expect((await admin("DELETE", `/users/${user.id}`)).status).toBe(204);
    expect(await groupsOfUser(createDb(env.DB), user.id)).toEqual([]);
  });
});
