import { Hono } from "hono";
import type { Config } from "../../config";
import type { AppEnv } from "../../env";

/** Admin endpoints for service tokens (scope api) and share links. */
export function serviceTokenAdminRoutes(_config: Config) {
  return new Hono<AppEnv>();
}
