/**
 * Scheduled cleanup (the Cron Trigger in wrangler.toml calls it through `scheduled()` in
 * src/index.ts): deletes rows nothing can use any more, so no table grows without bound
 * (docs/storage.md, retention). Every row it deletes is already dead to the request path:
 * an expired session or login request is refused by its expiry, an ended rate-limit window
 * is reset by the next hit, an expired dev message is no longer listed.
 */
import { lt, lte } from "drizzle-orm";
import type { Config } from "../config";
import type { Database } from "../db/client";
import { authEvents, devMessages, handoffCodes, loginRequests, oidcCodes, oidcTokens, sessions } from "../db/schema";
import { pruneRateLimits } from "../rate-limit";

const DAY_MS = 86_400_000;

export interface PurgeCounts {
  sessions: number;
  loginRequests: number;
  rateLimits: number;
  devMessages: number;
  handoffCodes: number;
  oidcCodes: number;
  oidcTokens: number;
  authEvents: number;
}

/** OpenID authorization codes stay this long past expiry, so a replay is still recognised (docs/oidc.md). */
const OIDC_CODE_KEEP_MS = 10 * 60 * 1000;

/**
 * Deletes expired sessions (revoked ones too, once expired), expired login requests, ended
 * rate-limit windows, expired dev mailbox messages, expired cross-host handoff codes, OpenID codes and tokens, and audit events older than
 * RETENTION_DAYS_EVENTS days. Returns how many rows of each went; logs one line.
 */
export async function purgeExpiredRows(db: Database, config: Config, now = Date.now()): Promise<PurgeCounts> {
  const eventsBefore = now - config.retention.eventsDays * DAY_MS;
  const [expiredSessions, expiredRequests, oldMessages, expiredHandoffs, oldEvents, expiredOidcCodes, expiredOidcTokens] = await db.batch([
    db.delete(sessions).where(lte(sessions.expiresAt, now)),
    db.delete(loginRequests).where(lte(loginRequests.expiresAt, now)),
    db.delete(devMessages).where(lte(devMessages.expiresAt, now)),
    db.delete(handoffCodes).where(lte(handoffCodes.expiresAt, now)),
    db.delete(authEvents).where(lt(authEvents.at, eventsBefore)),
    db.delete(oidcCodes).where(lte(oidcCodes.expiresAt, now - OIDC_CODE_KEEP_MS)),
    db.delete(oidcTokens).where(lte(oidcTokens.expiresAt, now)),
  ]);
  const counts: PurgeCounts = {
    sessions: expiredSessions.meta.changes ?? 0,
    loginRequests: expiredRequests.meta.changes ?? 0,
    rateLimits: await pruneRateLimits(db, now),
    devMessages: oldMessages.meta.changes ?? 0,
    handoffCodes: expiredHandoffs.meta.changes ?? 0,
    oidcCodes: expiredOidcCodes.meta.changes ?? 0,
    oidcTokens: expiredOidcTokens.meta.changes ?? 0,
    authEvents: oldEvents.meta.changes ?? 0,
  };
  console.log(JSON.stringify({ level: "info", msg: "retention_purge", deleted: counts }));
  return counts;
}
