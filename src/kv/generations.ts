/**
 * Revocation generations: how an isolate learns, with one KV read per shard every few
 * seconds, that nothing was revoked lately, so the "not revoked" answers it remembers stay
 * good without reading each credential's key again (docs/security.md, "How fast a revocation
 * is refused").
 *
 * Every key of REVOKED falls in one of GENERATION_SHARDS shards. Each revocation, once its key
 * is written, stamps its shard's generation key (`gen:<shard>`) with the moment (Unix ms).
 * An isolate that read "not revoked" for a key at `readAt` may keep trusting it as long as
 * the shard's stamp, confirmed within REVOCATION_RECHECK_SECONDS, is older than
 * `readAt - SETTLE_SECONDS`: every revocation of that shard written before the stamp had had
 * time to reach every location when the key was read, and one written later changes the
 * stamp, which the isolate sees within the recheck time once KV has carried it.
 * Sixteen shards keep one busy shard from costing every credential its memo, and spread the
 * stamps over sixteen keys, as KV takes one write a second per key.
 */

import { generationKey, KV_PROPAGATION_SECONDS } from "./keys";

export const GENERATION_SHARDS = 16;
/** How often an isolate asks a shard's generation again, and the delay that adds to a revocation. */
export const REVOCATION_RECHECK_SECONDS = 5;
/**
 * A key read this long after its shard's latest stamp cannot have missed a revocation the
 * stamp covers: KV's propagation bound, plus a margin for clocks and for a stamp written a
 * moment before another's key (KV keeps the last write).
 */
export const SETTLE_SECONDS = KV_PROPAGATION_SECONDS + 5;
/** A generation key outlives the settle time by far; a missing one reads as "quiet". */
const GENERATION_TTL_SECONDS = 3600;
/** A stamp that cannot be written is tried again once, after KV's one-write-a-second per key. */
const STAMP_RETRY_MS = 1100;

interface ShardView {
  /** The shard's latest stamp (Unix ms); 0 when none; Infinity when unreadable as a moment. */
  stampedAt: number;
  /** Unix ms: when the read that gave `stampedAt` started, or when this isolate stamped it. */
  confirmedAt: number;
}

/** Per isolate, like the answers it qualifies (src/kv/revocations.ts). */
const views = new Map<number, ShardView>();
/** How many stamps this isolate wrote per shard: a read that spans one of them is dropped. */
const ownStamps = new Map<number, number>();

/** The shard of a key of REVOKED: FNV-1a over its text, so writers and readers agree. */
export function shardOf(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % GENERATION_SHARDS;
}

function parseStamp(value: string | null): number {
  if (value === null) return 0;
  return /^\d{1,16}$/.test(value) ? Number(value) : Number.POSITIVE_INFINITY;
}

function isRecent(view: ShardView, now: number): boolean {
  // A clock that went back is not trusted to say the answer is recent.
  return now >= view.confirmedAt && now - view.confirmedAt < REVOCATION_RECHECK_SECONDS * 1000;
}

/**
 * The shard's latest stamp as KV answers it now (at most REVOCATION_RECHECK_SECONDS old); null
 * when KV cannot answer. Requests that find it due at once each read it: a read cannot be
 * shared, as Workers refuse I/O begun by one request on behalf of another.
 */
async function latestStamp(kv: KVNamespace, shard: number, now: number): Promise<number | null> {
  const known = views.get(shard);
  if (known && isRecent(known, now)) return known.stampedAt;
  const stampsBefore = ownStamps.get(shard) ?? 0;
  let value: string | null;
  try {
    value = await kv.get(generationKey(shard));
  } catch {
    return null;
  }
  // This isolate stamped the shard while the read was under way: its own stamp is newer news.
  const mine = views.get(shard);
  if (mine && (ownStamps.get(shard) ?? 0) !== stampsBefore) return mine.stampedAt;
  const stampedAt = parseStamp(value);
  views.set(shard, { stampedAt, confirmedAt: now });
  return stampedAt;
}

/**
 * Whether a "not revoked" (or a `user:` moment) read for `key` at `readAt` still holds at
 * `now`: its shard has been quiet since well before the read, as confirmed within the
 * recheck time. False when KV cannot say: the caller then reads the key itself, and fails
 * closed if that fails too.
 */
export async function stillQuiet(kv: KVNamespace, key: string, readAt: number, now: number): Promise<boolean> {
  const shard = shardOf(key);
  const settled = (stampedAt: number) => readAt >= stampedAt + SETTLE_SECONDS * 1000;
  // Read too soon after a stamp this isolate already knows of: not quiet, whatever a fresh read
  // of the stamp would say (skipping that read is the conservative answer).
  const known = views.get(shard);
  if (known && now >= known.confirmedAt && !settled(known.stampedAt)) return false;
  const stampedAt = await latestStamp(kv, shard, now);
  return stampedAt !== null && settled(stampedAt);
}

/**
 * Stamps the shards of `keys` (once each) with `now`, after their revocations are written,
 * and remembers the stamps in this isolate at once. Each stamp is tried again
 * once after KV's per-key write interval, then KV's error is thrown: a revocation whose stamp
 * is missing would stay hidden from the isolates that trust their memo.
 */
export async function stampGenerations(kv: KVNamespace, keys: readonly string[], now: number): Promise<void> {
  const shards = [...new Set(keys.map(shardOf))];
  await Promise.all(
    shards.map(async (shard) => {
      const stamp = () => kv.put(generationKey(shard), String(now), { expirationTtl: GENERATION_TTL_SECONDS });
      try {
        await stamp();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, STAMP_RETRY_MS));
        await stamp();
      }
      ownStamps.set(shard, (ownStamps.get(shard) ?? 0) + 1);
      views.set(shard, { stampedAt: now, confirmedAt: now });
    }),
  );
}
