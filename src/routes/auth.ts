import { Hono } from "hono";
import type { Config } from "../config";
import type { AppEnv } from "../env";

/** Browser login routes under AUTH_PREFIX (DESIGN.md section 2). */
export function authRoutes(_config: Config) {
  return new Hono<AppEnv>();
}
