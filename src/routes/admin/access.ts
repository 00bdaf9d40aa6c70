/**
 * POST /access/check (docs/admin-api.md, "Access check"): which decision and which policy
 * the gate would apply to a user (or to nobody signed in) opening a URL. The check lives in
 * src/admin/access-check.ts, shared with the console.
 */
import { Hono } from "hono";
import { checkAccess, MAX_URL_LENGTH } from "../../admin/access-check";
import type { Config } from "../../config";
import type { AppEnv } from "../../env";
import { readEmail, readJsonObject, readString, required } from "../../http/json-body";
import { adminCaller } from "./admin-audit";

export function accessAdminRoutes(_config: Config) {
  const app = new Hono<AppEnv>();

  app.post("/access/check", async function checkAccessRoute(c) {
    const body = await readJsonObject(c.req.raw, ["email", "userId", "url", "method", "amr", "ip", "country"]);
    const answer = await checkAccess(adminCaller(c), {
      url: required(readString(body, "url", { maxLength: MAX_URL_LENGTH }), "url"),
      method: readString(body, "method", { maxLength: 16 }),
      amr: readString(body, "amr", { maxLength: 16 }),
      ip: readString(body, "ip", { maxLength: 64 }),
      country: readString(body, "country", { maxLength: 2 }),
      email: readEmail(body, "email"),
      userId: readString(body, "userId", { maxLength: 64 }),
    });
    return c.json(answer);
  });

  return app;
}
