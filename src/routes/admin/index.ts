/**
 * The admin API (docs/admin-api.md): JSON over
 * `Authorization: Bearer ADMIN_TOKEN`. With no ADMIN_TOKEN configured the whole API answers
 * 404, as if it did not exist.
 */
import { Hono } from "hono";
import type { Config } from "../../config";
import type { AppEnv } from "../../env";
import { NotFoundError, UnauthorizedError } from "../../errors";
import { timingSafeEqualSecrets } from "../../tokens";
import { accessAdminRoutes } from "./access";
import { recordAdminFailure } from "./admin-audit";
import { clientAdminRoutes } from "./clients";
import { eventAdminRoutes } from "./events";
import { groupAdminRoutes } from "./groups";
import { serviceTokenAdminRoutes } from "./service-tokens";
import { sessionAdminRoutes } from "./sessions";
import { tokenAdminRoutes } from "./tokens";
import { userAdminRoutes } from "./users";

export function adminRoutes(config: Config) {
  const admin = new Hono<AppEnv>();
  const adminToken = config.secrets.adminToken;

  admin.use(async function requireAdminToken(c, next) {
    if (!adminToken) throw new NotFoundError();
    const header = c.req.header("Authorization") ?? "";
    const presented = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    if (!presented || !(await timingSafeEqualSecrets(presented, adminToken))) {
      // Who knocked and where; never what they presented, which may be a near-miss of the secret.
      await recordAdminFailure(c, {
        event: "admin_denied",
        reason: presented ? "wrong_token" : "missing_token",
        detail: { method: c.req.method, path: new URL(c.req.url).pathname.slice(0, 200) },
      });
      throw new UnauthorizedError("A valid admin token is required", { "WWW-Authenticate": 'Bearer realm="sesame-admin"' });
    }
    await next();
  });

  admin.route("/", userAdminRoutes(config));
  admin.route("/", tokenAdminRoutes(config));
  admin.route("/", eventAdminRoutes(config));
  admin.route("/", sessionAdminRoutes());
  admin.route("/", serviceTokenAdminRoutes());
  admin.route("/", groupAdminRoutes(config));
  admin.route("/", accessAdminRoutes(config));
  admin.route("/", clientAdminRoutes(config));
  admin.all("*", () => {
    throw new NotFoundError("No such admin endpoint");
  });
  return admin;
}
