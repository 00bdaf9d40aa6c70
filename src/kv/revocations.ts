/**
 * Reading and writing REVOKED: the one place that touches the namespace. A revocation that
 * cannot be read must not read as "not revoked", and one that cannot be written must not
 * read as done: every KV failure becomes ServiceUnavailableError (503 where it reaches
 * onError) after one `storage_unavailable` log line. Callers that must not throw (the
 * gate, readSession) turn that error into "not authenticated" (docs/reliability.md).
 *
 * The gate's hot path (readSessionRevocation, readTokenRevocations) reads through a
 * per-isolate memo, so a credential in steady use costs no KV read (docs/security.md,
 * "How fast a revocation is refused"):
 * - "not revoked" (and a `user:` moment) is trusted for REVOCATION_RECHECK_SECONDS; after
 *   that, for up to QUIET_TRUST_SECONDS, as long as its shard's generation says nothing was
 *   revoked there since well before the read (src/kv/generations.ts: one KV read per shard
 *   per recheck time, not one per credential); otherwise KV is asked again;
 * - "revoked" (a `sess:` or `tok:` mark) is final: a revoked session or token never comes
 *   back, so it is remembered until the credential expires;
 * - what this isolate writes (recordRevocations) goes into the memo at once, so a
 *   revocation refuses the next request this isolate serves, on any host; every write also
 *   stamps its shard's generation, which is how other isolates learn of it.
 * Sign-in and first verifications (isRevocationRecorded) read KV itself: they read D1
 * anyway, and a fresh answer there costs nothing a person notices.
 *
 * The log line names the kind of key (`sess`, `tok`), never the key: a session id or a
 * token hash is a handle on a credential and stays out of logs.
 */

import { setBounded } from "../bounded-cache";
import { ServiceUnavailableError } from "../errors";
import { REVOCATION_RECHECK_SECONDS, stampGenerations, stillQuiet } from "./generations";
import { revocationTtlSeconds } from "./keys";

export { REVOCATION_RECHECK_SECONDS };
/**
 * The longest an isolate trusts a "not revoked" it read, however quiet its shard: the bound
 * for a revocation whose generation stamp never arrived (one written by a version before
 * generations, during an upgrade).
 */
export const QUIET_TRUST_SECONDS = 60;
/** Bounds the memo (about 200 bytes an entry); beyond it the oldest entry goes and is read again when needed. */
const MAX_REMEMBERED_KEYS = 20_000;

interface Remembered {
  /** What KV holds under the key: null for nothing (not revoked). */
  value: string | null;
  /** Unix ms: when the read that gave `value` started, or when this isolate wrote it. */
  readAt: number;
  /** Unix ms until which a recorded mark holds without asking again; 0 for an answer that can change. */
  finalUntil: number;
}

/** Per isolate: one REVOKED namespace per deployment, so keys alone name what they remember. */
const memo = new Map<string, Remembered>();

/** What the memo may answer for `key` at `now`, or undefined when KV must be asked. */
async function recall(kv: KVNamespace, key: string, now: number): Promise<Remembered | undefined> {
  const entry = memo.get(key);
  if (!entry) return undefined;
  if (now < entry.finalUntil) return entry;
  // A clock that went back is not trusted to say the answer is recent.
  if (now < entry.readAt) return undefined;
  const age = now - entry.readAt;
  if (age < REVOCATION_RECHECK_SECONDS * 1000) return entry;
  const canChange = entry.finalUntil === 0;
  if (canChange && age < QUIET_TRUST_SECONDS * 1000 && (await stillQuiet(kv, key, entry.readAt, now))) return entry;
  return undefined;
}

/**
 * Keeps an answer unless the memo holds a newer one: a read that started before this
 * isolate's own write must not undo it (on a tie, the recorded value wins).
 */
function remember(key: string, entry: Remembered): void {
  const current = memo.get(key);
  if (current && (current.readAt > entry.readAt || (current.readAt === entry.readAt && entry.value === null))) return;
  setBounded(memo, key, entry, MAX_REMEMBERED_KEYS);
}

/** True when `key` is in REVOKED, read from KV itself; throws ServiceUnavailableError when KV cannot answer. */
export async function isRevocationRecorded(kv: KVNamespace, key: string): Promise<boolean> {
  try {
    return (await kv.get(key)) !== null;
  } catch (error) {
    throw kvUnavailable("get", key, error);
  }
}

/**
 * The gate's question for a session cookie: is `sessionId`'s session revoked? Through the
 * memo; `expiresAt` (Unix ms) is the session's, how long a "revoked" answer stays final.
 * Throws ServiceUnavailableError when KV must be asked and cannot answer.
 */
export async function readSessionRevocation(kv: KVNamespace, key: string, options: { now: number; expiresAt: number }): Promise<boolean> {
  const known = await recall(kv, key, options.now);
  if (known) return known.value !== null;
  let value: string | null;
  try {
    value = await kv.get(key);
  } catch (error) {
    throw kvUnavailable("get", key, error);
  }
  remember(key, { value, readAt: options.now, finalUntil: value === null ? 0 : options.expiresAt });
  return value !== null;
}

/**
 * For a token already verified (the gate's remembered tokens), through the memo and in at
 * most one KV round trip: whether the token itself was revoked, and the moment before which
 * every token of its user is dead (null when none). `expiresAt` (Unix ms) is the token's.
 * Throws ServiceUnavailableError when KV must be asked and cannot answer.
 */
export async function readTokenRevocations(
  kv: KVNamespace,
  tokenKey: string,
  userKey: string,
  options: { now: number; expiresAt: number },
): Promise<{ tokenRevoked: boolean; userTokensRevokedBefore: number | null }> {
  const [knownToken, knownUser] = await Promise.all([recall(kv, tokenKey, options.now), recall(kv, userKey, options.now)]);
  let tokenValue = knownToken?.value ?? null;
  let userValue = knownUser?.value ?? null;
  const missing = [knownToken ? null : tokenKey, knownUser ? null : userKey].filter((key): key is string => key !== null);
  if (missing.length > 0 && tokenValue === null) {
    let values: Map<string, string | null>;
    try {
      values = await kv.get(missing, "text");
    } catch (error) {
      throw kvUnavailable("get", tokenKey, error);
    }
    if (!knownToken) {
      tokenValue = values.get(tokenKey) ?? null;
      remember(tokenKey, { value: tokenValue, readAt: options.now, finalUntil: tokenValue === null ? 0 : options.expiresAt });
    }
    if (!knownUser) {
      userValue = values.get(userKey) ?? null;
      remember(userKey, { value: userValue, readAt: options.now, finalUntil: 0 });
    }
  }
  const before = Number(userValue ?? Number.NaN);
  return { tokenRevoked: tokenValue !== null, userTokensRevokedBefore: Number.isFinite(before) ? before : null };
}

/** One revocation to record: `key` until the revoked thing would have expired anyway (Unix ms). */
export interface RevocationRecord {
  key: string;
  expiresAt: number;
  /** The default mark ("1") is final; a value (the `user:` moment) can be raised by a later write. */
  value?: string;
}

/**
 * Records each key in REVOKED until the revoked thing would have expired anyway (at least
 * KV's minimum TTL), and in this isolate's memo at once; then stamps their shards'
 * generations once each, so other isolates stop trusting what they remember there. A mark is
 * final; a `value` (the `user:` moment) can be raised by a later write elsewhere, so it is
 * asked again like a "not revoked". Throws ServiceUnavailableError when KV cannot take a
 * write: a key it refused is not remembered; a stamp it refused leaves the keys written, and
 * the caller reports the revocation as not done, to be tried again.
 */
export async function recordRevocations(kv: KVNamespace, records: readonly RevocationRecord[], now = Date.now()): Promise<void> {
  await Promise.all(
    records.map(async ({ key, expiresAt, value }) => {
      try {
        await kv.put(key, value ?? "1", { expirationTtl: revocationTtlSeconds(expiresAt, now) });
      } catch (error) {
        throw kvUnavailable("put", key, error);
      }
      remember(key, { value: value ?? "1", readAt: now, finalUntil: value === undefined ? expiresAt : 0 });
    }),
  );
  if (records.length === 0) return;
  try {
    await stampGenerations(
      kv,
      records.map((r) => r.key),
      now,
    );
  } catch (error) {
    throw kvUnavailable("put", "gen:", error);
  }
}

/** recordRevocations for one key. */
export function recordRevocation(kv: KVNamespace, key: string, record: { expiresAt: number; now?: number; value?: string }): Promise<void> {
  return recordRevocations(kv, [{ key, expiresAt: record.expiresAt, value: record.value }], record.now);
}

function kvUnavailable(operation: "get" | "put", key: string, error: unknown): ServiceUnavailableError {
  const keyKind = key.slice(0, Math.max(0, key.indexOf(":"))) || "unknown";
  console.error(
    JSON.stringify({
      level: "error",
      msg: "storage_unavailable",
      store: "kv",
      operation,
      keyKind,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    }),
  );
  return new ServiceUnavailableError();
}
