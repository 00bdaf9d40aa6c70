import { Hono } from "hono";
import type { Config } from "../config";
import type { AppEnv } from "../env";

/** MAILER=dev only: the local mailbox at AUTH_PREFIX/dev/mailbox. */
export function devMailboxRoutes(_config: Config) {
  return new Hono<AppEnv>();
}
