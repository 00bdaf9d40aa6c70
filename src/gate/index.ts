import { Hono } from "hono";
import type { Config } from "../config";
import type { AppEnv } from "../env";

/** Routes outside AUTH_PREFIX that the edge itself answers (JWKS). */
export function edgeRoutes(_config: Config) {
  return new Hono<AppEnv>();
}

/** The gate: every request not answered above is authenticated and proxied to the origin. */
export function gateRoutes(_config: Config) {
  return new Hono<AppEnv>();
}
