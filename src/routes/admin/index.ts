/**
 * The admin API (DESIGN.md section 6): JSON over `Authorization: Bearer ADMIN_TOKEN`.
 * With no ADMIN_TOKEN configured the whole API answers 404, as if it did not exist.
 */
import { Hono } from "hono";
import type { Config } from "../../config";
import type { AppEnv } from "../../env";
import { NotFoundError, UnauthorizedError } from "../../errors";
import { timingSafeEqualSecrets } from "../../tokens";
import { serviceTokenAdminRoutes } from "./service-tokens";
import { sessionAdminRoutes } from "./sessions";

export function adminRoutes(config: Config) {
  const admin = new Hono<AppEnv>();
  const adminToken = config.secrets.adminToken;

  admin.use(async function requireAdminToken(c, next) {
    if (!adminToken) throw new NotFoundError();
    const header = c.req.header("Authorization") ?? "";
    const presented = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
    if (!presented || !(await timingSafeEqualSecrets(presented, adminToken))) {
      throw new UnauthorizedError("A valid admin token is required", { "WWW-Authenticate": 'Bearer realm="sesame-admin"' });
    }
    await next();
  });

  admin.route("/", sessionAdminRoutes(config));
  admin.route("/", serviceTokenAdminRoutes(config));
  admin.all("*", () => {
    throw new NotFoundError("No such admin endpoint");
  });
  return admin;
}
