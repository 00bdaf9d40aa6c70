/**
 * The audit trail: one row per security-relevant event in D1 (`auth_events`) and one
 * structured log line. Reasons and ids only; a raw token, code or cookie never reaches
 * either. Callers pass token *hashes* in `detail` when they need to correlate.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { authEvents } from "../db/schema";

type AuthEventName =
  | "token_issued"
  | "token_verified"
  | "token_rejected"
  | "token_revoked"
  | "user_created"
  | "user_updated"
  | "user_deleted"
  | "link_requested"
  | "email_sent"
  | "email_failed"
  | "email_failover"
  | "turnstile_refused"
  | "link_other_browser"
  | "link_redeemed"
  | "link_rejected"
  | "code_redeemed"
  | "code_failed"
  | "rate_limited"
  | "session_created"
  | "session_revoked"
  | "logout"
  | "logout_everywhere"
  | "signup_refused"
  | "service_token_issued"
  | "service_token_revoked"
  | "share_link_issued"
  | "admin_denied"
  | "access_denied"
  | "group_created"
  | "group_deleted"
  | "group_member_added"
  | "group_member_removed"
  /** One row per client and window once its failures pass AUDIT_FAILURES_PER_CLIENT (src/audit/record-failure.ts). */
  | "failures_suppressed"
  | "handoff_refused"
  /** OpenID provider (docs/oidc.md): a refused code or refresh token; a registered or deleted client. */
  | "oidc_grant_refused"
  | "oidc_client_created"
  | "oidc_client_deleted";

export interface AuthEvent {
  event: AuthEventName;
  userId?: string | null;
  reason?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  detail?: Record<string, string | number | boolean | null>;
}

/** How a token appears in audit rows and logs: the first 16 characters of its hash. */
export function auditTokenHash(hash: string): string;
export function auditTokenHash(hash: string | undefined): string | null;
export function auditTokenHash(hash: string | undefined): string | null {
  return hash === undefined ? null : hash.slice(0, 16);
}

/** Writes the event to D1 and to the log. A failing write is logged, never thrown. */
export async function recordEvent(db: Database, event: AuthEvent, now = Date.now()): Promise<void> {
  logEvent(event);
  try {
    await db.insert(authEvents).values(eventRow(event, now)).run();
  } catch (error) {
    console.error(JSON.stringify({ level: "error", msg: "audit_write_failed", event: event.event, error: String(error) }));
  }
}

/** The row of `event` as a statement for a caller's D1 batch; the caller prints the log line (logEvent). */
export function eventStatement(db: Database, event: AuthEvent, now: number) {
  return db.insert(authEvents).values(eventRow(event, now));
}

/**
 * The row of `event` as a statement for a caller's D1 batch, so an audit row costs no round
 * trip of its own on sign-in's paths (docs/benchmarks.md). Written only if `when` holds (SQL
 * over what the batch's earlier statements left: a sign-in that lost writes no success row).
 * The caller prints the log line (logEvent) once the batch said the event happened.
 */
export function eventStatementIf(db: Database, event: AuthEvent, now: number, when: SQL) {
  const row = eventRow(event, now);
  const values = sql.join(
    [null, row.at, row.event, row.userId, row.reason, row.ip, row.userAgent, row.detail].map((v) => sql`${v}`),
    sql`, `,
  );
  // `id` is NULL: SQLite gives the next one, as for any insert.
  return db.insert(authEvents).select(sql`SELECT ${values} WHERE ${when}`);
}

/** The structured log line every audit event also gets (recordEvent prints it; batch writers call it themselves). */
export function logEvent(event: AuthEvent): void {
  console.log(
    JSON.stringify({
      level: "info",
      msg: "auth_event",
      event: event.event,
      userId: event.userId ?? null,
      reason: event.reason ?? null,
      ip: event.ip ?? null,
      detail: event.detail ?? null,
    }),
  );
}

function eventRow(event: AuthEvent, now: number) {
  return {
    at: now,
    event: event.event,
    userId: event.userId ?? null,
    reason: event.reason ?? null,
    ip: event.ip ?? null,
    userAgent: event.userAgent ?? null,
    detail: event.detail ? JSON.stringify(event.detail) : null,
  };
}
