/**
 * Fixed-window rate limits in D1 (`rate_limits`): one atomic UPSERT ... RETURNING per hit,
 * so concurrent hits from any number of isolates are counted exactly (no read-then-write).
 * Keys hold hashes, never an email or IP in plain text (see rateLimitKey).
 */
import { lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { rateLimits } from "../db/schema";
import { deriveKey, encodeBase64url, hmac, sha256 } from "../tokens";
import { lengthPrefixed } from "../tokens/bytes";

/**
 * Longest window accepted (RATE_LIMIT_WINDOW's own maximum). Rows are keyed without their
 * window length, so pruning deletes rows whose window started longer ago than this: such a
 * window has certainly ended, whatever limit wrote it.
 */
export const MAX_RATE_LIMIT_WINDOW_SECONDS = 86_400;
/** Share of hits that also prune ended windows: keeps the table small at ~1% extra queries. */
export const RATE_LIMIT_PRUNE_PROBABILITY = 0.01;

export interface RateLimitHit {
  /** From rateLimitKey(kind, value). */
  key: string;
  /** Hits allowed per window. */
  limit: number;
  windowSeconds: number;
  /** Unix milliseconds; defaults to Date.now(). */
  now?: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Hits in the current window, this one included. */
  count: number;
  /** Seconds until the window ends (at least 1): the value for Retry-After. */
  retryAfterSeconds: number;
  /** Unix milliseconds at which the counted window began. */
  windowStart: number;
}

/**
 * Counts one hit against `key` and says whether it is within `limit` for the current
 * window. Windows are aligned to the epoch (window start = now rounded down to the window
 * length), so every isolate agrees on them without coordination.
 */
export async function hitRateLimit(db: Database, input: RateLimitHit): Promise<RateLimitResult> {
  const { key, limit, windowSeconds } = input;
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError("limit must be a positive whole number");
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > MAX_RATE_LIMIT_WINDOW_SECONDS) {
    throw new TypeError(`windowSeconds must be a whole number from 1 to ${MAX_RATE_LIMIT_WINDOW_SECONDS}`);
  }
  if (!key) throw new TypeError("key must not be empty");
  const now = input.now ?? Date.now();
  const windowMs = windowSeconds * 1000;
  const windowStart = Math.floor(now / windowMs) * windowMs;

  // SQLite evaluates every SET expression against the row as it was, so `window_start` on
  // the right-hand side is the old value. MAX() and `>=` keep a slightly late isolate (clock
  // behind, request delayed) from moving a window backwards and resetting its count.
  const row = await db
    .insert(rateLimits)
    .values({ key, windowStart, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`CASE WHEN ${rateLimits.windowStart} >= excluded.window_start THEN ${rateLimits.count} + 1 ELSE 1 END`,
        windowStart: sql`MAX(${rateLimits.windowStart}, excluded.window_start)`,
      },
    })
    .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart })
    .get();
  if (!row) throw new Error("rate limit upsert returned no row");

  if (Math.random() < RATE_LIMIT_PRUNE_PROBABILITY) await pruneRateLimits(db, now);

  const windowEnd = row.windowStart + windowMs;
  return {
    allowed: row.count <= limit,
    count: row.count,
    retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)),
    windowStart: row.windowStart,
  };
}

/** Deletes counters whose window has certainly ended; returns how many went. */
export async function pruneRateLimits(db: Database, now = Date.now()): Promise<number> {
  const result = await db
    .delete(rateLimits)
    .where(lt(rateLimits.windowStart, now - MAX_RATE_LIMIT_WINDOW_SECONDS * 1000))
    .run();
  return result.meta.changes ?? 0;
}

/**
 * A rate limit key: `<kind>:<hash of value>`, e.g. rateLimitKey("login:email", email).
 * The value is hashed so no address or IP sits in the table in plain text. Pass `secret`
 * (SESAME_SECRET) to key the hash with a key derived for this purpose alone: a bare SHA-256
 * of an IPv4 address can be reversed by trying all 2^32 of them. Never the secret itself:
 * HMAC(secret, value) of a client-chosen value could reproduce another purpose's key.
 */
export async function rateLimitKey(kind: string, value: string, secret?: string): Promise<string> {
  if (!/^[a-z0-9_-]+(:[a-z0-9_-]+)*$/.test(kind)) {
    throw new TypeError("kind must be lower-case words joined by colons, like login:email");
  }
  const digest = secret ? await hmac(await deriveKey(secret, "rate-limit"), lengthPrefixed([kind, value])) : await sha256(value);
  return `${kind}:${encodeBase64url(digest)}`;
}
