import type { Context } from "hono";
import { type AuthEvent, recordEvent } from "../../audit/record-event";
import type { AppEnv } from "../../env";
import { clientIp, userAgent } from "../../http/request-info";

/** Records an admin action in the audit trail, with the caller's IP and User-Agent. */
export function recordAdminEvent(c: Context<AppEnv>, event: Omit<AuthEvent, "ip" | "userAgent">): Promise<void> {
  return recordEvent(c.var.db, { ...event, ip: clientIp(c.req.raw), userAgent: userAgent(c.req.raw) });
}
