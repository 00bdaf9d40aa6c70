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
const RATE_LIMIT_PRUNE_PROBABILITY = 0.01;

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
  const hit = rateLimitHit(db, input);
  // Pruning rides in the same round trip (a batch), so a hit is always one call to D1.
  const rows =
    Math.random() < RATE_LIMIT_PRUNE_PROBABILITY ? (await db.batch([hit.statement, pruneStatement(db, hit.now)]))[0] : await hit.statement;
  return hit.result(rows);
}

/**
 * hitRateLimit's statement, for a caller's D1 batch (POST /login counts both of its limits in
 * the round trip that looks the address up), and how to read its rows. The caller prunes
 * with pruneRateLimitsIfDue.
 */
export function rateLimitHit(db: Database, input: RateLimitHit) {
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
  const statement = db
    .insert(rateLimits)
    .values({ key, windowStart, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`CASE WHEN ${rateLimits.windowStart} >= excluded.window_start THEN ${rateLimits.count} + 1 ELSE 1 END`,
        windowStart: sql`MAX(${rateLimits.windowStart}, excluded.window_start)`,
      },
    })
    .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart });
  const result = (rows: readonly { count: number; windowStart: number }[]): RateLimitResult => {
    const row = rows[0];
    if (!row) throw new Error("rate limit upsert returned no row");
    const windowEnd = row.windowStart + windowMs;
    return {
      allowed: row.count <= limit,
      count: row.count,
      retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - now) / 1000)),
      windowStart: row.windowStart,
    };
  };
  return { statement, result, now };
}

/** The statements a batch of rate-limit hits adds to prune ended windows: one in RATE_LIMIT_PRUNE_PROBABILITY, else none. */
export function pruneRateLimitsIfDue(db: Database, now: number) {
  return Math.random() < RATE_LIMIT_PRUNE_PROBABILITY ? [pruneStatement(db, now)] : [];
}

/** Deletes counters whose window has certainly ended; returns how many went. */
export async function pruneRateLimits(db: Database, now = Date.now()): Promise<number> {
  const result = await pruneStatement(db, now).run();
  return result.meta.changes ?? 0;
}

function pruneStatement(db: Database, now: number) {
  return db.delete(rateLimits).where(lt(rateLimits.windowStart, now - MAX_RATE_LIMIT_WINDOW_SECONDS * 1000));
}

/**
 * Who a per-IP limit counts, for a client address (CF-Connecting-IP): an IPv6 address by its
 * network prefix of `ipv6PrefixBits` (RATE_LIMIT_IPV6_PREFIX, default 64), because one line or
 * host is routinely given a whole /64 and could otherwise take a fresh limit for each of its
 * 2^64 addresses; an IPv4 address, or an IPv4-mapped IPv6 one, as the IPv4 address; anything
 * else (no address) unchanged. The audit log keeps the full address.
 */
export function rateLimitClient(ip: string, ipv6PrefixBits: number): string {
  const groups = parseIpv6(ip);
  if (!groups) return ip;
  const [, , , , , mapped, high = 0, low = 0] = groups;
  if (groups.slice(0, 5).every((g) => g === 0) && mapped === 0xffff) return [high >> 8, high & 0xff, low >> 8, low & 0xff].join(".");
  const masked = groups.map((group, i) => {
    const bits = Math.min(16, Math.max(0, ipv6PrefixBits - 16 * i));
    return group & ((0xffff << (16 - bits)) & 0xffff);
  });
  return `${masked.map((group) => group.toString(16)).join(":")}/${ipv6PrefixBits}`;
}

/** The eight 16-bit groups of an IPv6 address (RFC 4291 section 2.2 text forms), or null for anything else. */
function parseIpv6(text: string): number[] | null {
  let address = text.trim().replace(/^\[(.*)\]$/, "$1");
  const zone = address.indexOf("%");
  if (zone !== -1) address = address.slice(0, zone);
  if (!address.includes(":")) return null;
  const dotted = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (dotted) {
    const octets = dotted.slice(2).map(Number);
    if (octets.some((octet) => octet > 255)) return null;
    const [a, b, c, d] = octets as [number, number, number, number];
    address = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = address.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part = "") =>
    part === "" ? [] : part.split(":").map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? Number.parseInt(g, 16) : Number.NaN));
  const [head, tail] = [groupsOf(halves[0]), groupsOf(halves[1])];
  if ([...head, ...tail].some(Number.isNaN)) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...new Array<number>(missing).fill(0), ...tail] : null;
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
