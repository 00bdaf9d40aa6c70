/**
 * Admin endpoints for users: create, list, get, update, delete (docs/admin-api.md). The
 * operations live in src/admin/users.ts, shared with the console; this file reads JSON.
 */
import { Hono } from "hono";
import { resolveUser } from "../../admin/resolve-user";
import {
  createUserAccount,
  DEFAULT_PAGE_SIZE,
  deleteUserAccount,
  listUserPage,
  MAX_NAME_LENGTH,
  MAX_PAGE_SIZE,
  updateUserAccount,
} from "../../admin/users";
import type { Config } from "../../config";
import type { AppEnv } from "../../env";
import { groupsOfUser } from "../../groups/store";
import { readBoolean, readEmail, readJsonObject, readString, required } from "../../http/json-body";
import { adminCaller } from "./admin-audit";
import { queryInteger, readQuery } from "./query-params";
import { userJson } from "./user-json";

export function userAdminRoutes(_config: Config) {
  const app = new Hono<AppEnv>();

  app.post("/users", async function createUserRoute(c) {
    const body = await readJsonObject(c.req.raw, ["email", "name", "active"]);
    const email = required(readEmail(body, "email"), "email");
    const name = readString(body, "name", { maxLength: MAX_NAME_LENGTH }) ?? "";
    const isActive = readBoolean(body, "active") ?? true;
    const user = await createUserAccount(adminCaller(c), { email, name, isActive });
    return c.json({ user: userJson(user) }, 201);
  });

  app.get("/users", async function listUsersRoute(c) {
    const query = readQuery(c.req.url, ["email", "limit", "after"]);
    const limit = queryInteger(query, "limit", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
    const { users, next } = await listUserPage(adminCaller(c), { email: query.get("email") ?? "", after: query.get("after") ?? "", limit });
    return c.json({ users: users.map(userJson), next });
  });

  app.get("/users/:user", async function getUserRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    return c.json({ user: { ...userJson(user), groups: await groupsOfUser(c.var.db, user.id) } });
  });

  app.patch("/users/:user", async function updateUserRoute(c) {
    const current = await resolveUser(c.var.db, c.req.param("user"));
    const body = await readJsonObject(c.req.raw, ["email", "name", "active"]);
    const updated = await updateUserAccount(adminCaller(c), current, {
      email: readEmail(body, "email"),
      name: readString(body, "name", { maxLength: MAX_NAME_LENGTH }),
      isActive: readBoolean(body, "active"),
    });
    return c.json({ user: userJson(updated) });
  });

  app.delete("/users/:user", async function deleteUserRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    await deleteUserAccount(adminCaller(c), user);
    return c.body(null, 204);
  });

  return app;
}
