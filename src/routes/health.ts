import { Hono } from "hono";
import type { AppEnv } from "../env";

/** Liveness: no auth, no storage touched. */
export function healthRoutes() {
  return new Hono<AppEnv>().get("/", (c) => c.json({ status: "ok" }));
}
