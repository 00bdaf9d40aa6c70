/**
 * Admin endpoints for users: create, list, get, update, delete (docs/admin-api.md).
 * Emails are normalised before storage and lookup; the unique index decides duplicates.
 */
import { Hono } from "hono";
import { revokeUserTokens } from "../../auth/token-service";
import type { Config } from "../../config";
import { type AppEnv, authDeps } from "../../env";
import { BadRequestError, ConflictError, NotFoundError } from "../../errors";
import { groupsOfUser } from "../../groups/store";
import { refuseControlCharacters } from "../../http/control-characters";
import { readBoolean, readEmail, readJsonObject, readString, required } from "../../http/json-body";
import { revokeUserSessions } from "../../sessions";
import { MAX_EMAIL_LENGTH, normalizeEmail } from "../../users/email";
import { createUser, deleteUser, listUsers, type UserPatch, updateUser } from "../../users/store";
import { recordAdminEvent } from "./admin-audit";
import { queryInteger, readQuery } from "./query-params";
import { resolveUser } from "./resolve-user";
import { userJson } from "./user-json";

/** Display names are for greetings and lists; 200 characters covers any real one. */
const MAX_NAME_LENGTH = 200;
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export function userAdminRoutes(_config: Config) {
  const app = new Hono<AppEnv>();

  app.post("/users", async function createUserRoute(c) {
    const body = await readJsonObject(c.req.raw, ["email", "name", "active"]);
    const email = required(readEmail(body, "email"), "email");
    const name = readString(body, "name", { maxLength: MAX_NAME_LENGTH }) ?? "";
    const isActive = readBoolean(body, "active") ?? true;
    const user = await createUser(c.var.db, { email, name, isActive });
    if (!user) throw new ConflictError("email", "A user with this email already exists");
    await recordAdminEvent(c, { event: "user_created", userId: user.id, detail: { active: user.isActive } });
    return c.json({ user: userJson(user) }, 201);
  });

  app.get("/users", async function listUsersRoute(c) {
    const query = readQuery(c.req.url, ["email", "limit", "after"]);
    const limit = queryInteger(query, "limit", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
    const emailPrefix = normalizeEmail(checkQueryText(query.get("email") ?? "", "email"));
    const after = checkQueryText(query.get("after") ?? "", "after");
    // One row more than asked tells whether another page exists, so `next` is never a dead end.
    const rows = await listUsers(c.var.db, { emailPrefix, after: after || undefined, limit: limit + 1 });
    const page = rows.slice(0, limit);
    // biome-ignore lint/style/noNonNullAssertion: more rows than `limit` (>= 1) means the page is full
    const next = rows.length > limit ? page[page.length - 1]!.email : null;
    return c.json({ users: page.map(userJson), next });
  });

  app.get("/users/:user", async function getUserRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    return c.json({ user: { ...userJson(user), groups: await groupsOfUser(c.var.db, user.id) } });
  });

  app.patch("/users/:user", async function updateUserRoute(c) {
    const current = await resolveUser(c.var.db, c.req.param("user"));
    const body = await readJsonObject(c.req.raw, ["email", "name", "active"]);
    const patch: UserPatch = {
      email: readEmail(body, "email"),
      name: readString(body, "name", { maxLength: MAX_NAME_LENGTH }),
      isActive: readBoolean(body, "active"),
    };
    const fields = Object.entries({ email: patch.email, name: patch.name, active: patch.isActive })
      .filter(([, value]) => value !== undefined)
      .map(([key]) => key);
    if (fields.length === 0) throw new BadRequestError("body", "Give at least one of email, name, active");

    // KV first, so a failure there (503) leaves the user as it was and a retry does it all.
    if (patch.isActive === false && current.isActive) await revokeUserTokens(authDeps(c), current.id);
    const updated = await updateUser(c.var.db, current.id, patch);
    if (updated === "conflict") throw new ConflictError("email", "Another user already has this email");
    if (!updated) throw new NotFoundError("No such user");

    const tokensRevoked =
      updated.securityStamp !== current.securityStamp || (updated.email !== current.email && c.var.config.link.invalidateOnEmailChange);
    const deactivated = current.isActive && !updated.isActive;
    const sessionsEnded = deactivated ? await revokeUserSessions(authDeps(c), updated.id) : 0;
    await recordAdminEvent(c, {
      event: "user_updated",
      userId: updated.id,
      detail: { fields: fields.join(","), active: updated.isActive, tokensRevoked, sessionsEnded },
    });
    return c.json({ user: userJson(updated) });
  });

  app.delete("/users/:user", async function deleteUserRoute(c) {
    const user = await resolveUser(c.var.db, c.req.param("user"));
    // Rows cascade away with the user, but cookies, service tokens and share links already
    // handed out must die now too, including those the gate remembers (docs/security.md).
    await revokeUserTokens(authDeps(c), user.id);
    const sessionsEnded = await revokeUserSessions(authDeps(c), user.id);
    if (!(await deleteUser(c.var.db, user.id))) throw new NotFoundError("No such user");
    await recordAdminEvent(c, { event: "user_deleted", userId: user.id, detail: { sessionsEnded } });
    return c.body(null, 204);
  });

  return app;
}

/** Query text for a prefix or cursor: bounded, printable. */
function checkQueryText(value: string, field: string): string {
  if (value.length > MAX_EMAIL_LENGTH) throw new BadRequestError(field, `${field} must be at most ${MAX_EMAIL_LENGTH} characters`);
  return refuseControlCharacters(value, field);
}
