/**
 * Failure events a client can cause at will (a bad magic link, a wrong admin token, a
 * request already over a rate limit) are bounded per client and window, so no one can
 * flood the audit table (docs/storage.md, auth_events). The first AUDIT_FAILURES_PER_CLIENT
 * of a client in a RATE_LIMIT_WINDOW are written as they come; every later one only
 * counts, in one `failures_suppressed` row per client and window whose `detail.count` says
 * how many were not written.
 */
import type { Config } from "../config";
import type { Database } from "../db/client";
import { hitRateLimit, rateLimitClient, rateLimitKey } from "../rate-limit";
import { type AuthEvent, recordEvent } from "./record-event";

const SUMMARY_EVENT = "failures_suppressed";

export interface FailureDeps {
  config: Config;
  db: Database;
}

/** Records `event` (a failure caused by the client at `event.ip`) within the per-client bound. */
export async function recordFailureEvent(deps: FailureDeps, event: AuthEvent, now = Date.now()): Promise<void> {
  const { config, db } = deps;
  const limit = config.audit.failuresPerClient;
  let counted: Awaited<ReturnType<typeof hitRateLimit>>;
  let client: string;
  try {
    client = await rateLimitKey(
      "audit:failures",
      rateLimitClient(event.ip ?? "unknown", config.rateLimit.ipv6PrefixBits),
      config.secrets.sesame[0],
    );
    counted = await hitRateLimit(db, { key: client, limit, windowSeconds: config.rateLimit.windowSeconds, now });
  } catch (error) {
    // The counter is storage too: when it fails, the event is still attempted (and its own
    // failure logged by recordEvent), as before the bound existed.
    console.error(JSON.stringify({ level: "error", msg: "audit_bound_failed", event: event.event, error: String(error) }));
    return recordEvent(db, event, now);
  }
  if (counted.allowed) return recordEvent(db, event, now);

  const suppressed = counted.count - limit;
  const windowStart = counted.windowStart;
  // One statement inserts the window's summary row if it is not there yet, the next raises
  // its count to this hit's (MAX: concurrent hits may land in any order); one D1 batch, so
  // racing hits never write two summaries or lose the highest count.
  const d1 = db.$client;
  const sameSummary = `at >= ?1 AND event = '${SUMMARY_EVENT}'
    AND json_extract(detail, '$.client') = ?2 AND json_extract(detail, '$.windowStart') = ?1`;
  try {
    const [inserted] = await d1.batch([
      d1
        .prepare(
          `INSERT INTO auth_events (at, event, user_id, reason, ip, user_agent, detail)
           SELECT ?3, '${SUMMARY_EVENT}', NULL, ?4, ?5, ?6,
             json_object('client', ?2, 'windowStart', ?1, 'limit', ?7, 'count', ?8)
           WHERE NOT EXISTS (SELECT 1 FROM auth_events WHERE ${sameSummary})`,
        )
        .bind(windowStart, client, now, event.event, event.ip ?? null, event.userAgent ?? null, limit, suppressed),
      d1
        .prepare(
          `UPDATE auth_events SET detail = json_set(detail, '$.count', MAX(json_extract(detail, '$.count'), ?3)) WHERE ${sameSummary}`,
        )
        .bind(windowStart, client, suppressed),
    ]);
    if ((inserted?.meta.changes ?? 0) > 0) {
      console.log(
        JSON.stringify({
          level: "info",
          msg: "auth_event",
          event: SUMMARY_EVENT,
          reason: event.event,
          ip: event.ip ?? null,
          detail: { limit },
        }),
      );
    }
  } catch (error) {
    console.error(JSON.stringify({ level: "error", msg: "audit_write_failed", event: SUMMARY_EVENT, error: String(error) }));
  }
}
