/**
 * Who performs an admin operation, and how it is audited. The bearer-token JSON API
 * (src/routes/admin) and the console (src/console) both call the operations of this folder
 * with a caller; the console's carries the signed-in admin's user id, which every audit row
 * of the operation names as `adminId` in its detail (docs/admin-console.md).
 */
import { type AuthEvent, recordEvent } from "../audit/record-event";
import type { TokenDeps } from "../auth/token-service";
import { clientIp, userAgent } from "../http/request-info";

export interface AdminCaller {
  deps: TokenDeps;
  /** The request that asked, for the audit row's IP and User-Agent. */
  request: Request;
  /** The console's signed-in admin; null for the bearer-token API, whose caller is the token. */
  adminId: string | null;
}

/** Records an admin action in the audit trail, with the caller's IP, User-Agent and admin id. */
export function recordAdminAction(caller: AdminCaller, event: Omit<AuthEvent, "ip" | "userAgent">): Promise<void> {
  const detail = caller.adminId === null ? event.detail : { ...event.detail, adminId: caller.adminId };
  return recordEvent(caller.deps.db, {
    ...event,
    ...(detail ? { detail } : {}),
    ip: clientIp(caller.request),
    userAgent: userAgent(caller.request),
  });
}
