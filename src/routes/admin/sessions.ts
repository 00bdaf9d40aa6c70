import { Hono } from "hono";
import type { Config } from "../../config";
import type { AppEnv } from "../../env";

/** Admin endpoints for a user's sessions: list and revoke. */
export function sessionAdminRoutes(_config: Config) {
  return new Hono<AppEnv>();
}
