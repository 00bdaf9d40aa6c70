import type { Context } from "hono";
import { type AuthEvent, recordEvent } from "../../audit/record-event";
import { recordFailureEvent } from "../../audit/record-failure";
import type { AppEnv } from "../../env";
import { clientIp, userAgent } from "../../http/request-info";

/** Records an admin action in the audit trail, with the caller's IP and User-Agent. */
export function recordAdminEvent(c: Context<AppEnv>, event: Omit<AuthEvent, "ip" | "userAgent">): Promise<void> {
  return recordEvent(c.var.db, { ...event, ip: clientIp(c.req.raw), userAgent: userAgent(c.req.raw) });
}

/** A refused admin request (a wrong or missing token): bounded per client (src/audit/record-failure.ts). */
export function recordAdminFailure(c: Context<AppEnv>, event: Omit<AuthEvent, "ip" | "userAgent">): Promise<void> {
  return recordFailureEvent({ config: c.var.config, db: c.var.db }, { ...event, ip: clientIp(c.req.raw), userAgent: userAgent(c.req.raw) });
}
