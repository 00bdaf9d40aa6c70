import type { Context } from "hono";
import { type AdminCaller, recordAdminAction } from "../../admin/caller";
import type { AuthEvent } from "../../audit/record-event";
import { recordFailureEvent } from "../../audit/record-failure";
import { type AppEnv, authDeps } from "../../env";
import { clientIp, userAgent } from "../../http/request-info";

/** The caller of an admin operation through the API: the bearer token, which names no user. */
export function adminCaller(c: Context<AppEnv>): AdminCaller {
  return { deps: authDeps(c), request: c.req.raw, adminId: null };
}

/** Records an admin action in the audit trail, with the caller's IP and User-Agent. */
export function recordAdminEvent(c: Context<AppEnv>, event: Omit<AuthEvent, "ip" | "userAgent">): Promise<void> {
  return recordAdminAction(adminCaller(c), event);
}

/** A refused admin request (a wrong or missing token): bounded per client (src/audit/record-failure.ts). */
export function recordAdminFailure(c: Context<AppEnv>, event: Omit<AuthEvent, "ip" | "userAgent">): Promise<void> {
  return recordFailureEvent({ config: c.var.config, db: c.var.db }, { ...event, ip: clientIp(c.req.raw), userAgent: userAgent(c.req.raw) });
}
