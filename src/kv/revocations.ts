/**
 * Reading and writing REVOKED: the one place that touches the namespace. A revocation that
 * cannot be read must not read as "not revoked", and one that cannot be written must not
 * read as done: every KV failure becomes ServiceUnavailableError (503 where it reaches
 * onError) after one `storage_unavailable` log line. Callers that must not throw (the
 * gate, readSession) turn that error into "not authenticated" (docs/reliability.md).
 *
 * The log line names the kind of key (`sess`, `tok`), never the key: a session id or a
 * token hash is a handle on a credential and stays out of logs.
 */
import { ServiceUnavailableError } from "../errors";
import { revocationTtlSeconds } from "./keys";

/** True when `key` is in REVOKED; throws ServiceUnavailableError when KV cannot answer. */
export async function isRevocationRecorded(kv: KVNamespace, key: string): Promise<boolean> {
  try {
    return (await kv.get(key)) !== null;
  } catch (error) {
    throw kvUnavailable("get", key, error);
  }
}

/**
 * For a token already verified (the gate's remembered tokens), in one KV round trip: whether
 * the token itself was revoked, and the moment before which every token of its user is dead
 * (null when none). Throws ServiceUnavailableError when KV cannot answer.
 */
export async function readTokenRevocations(
  kv: KVNamespace,
  tokenKey: string,
  userKey: string,
): Promise<{ tokenRevoked: boolean; userTokensRevokedBefore: number | null }> {
  let values: Map<string, string | null>;
  try {
    values = await kv.get([tokenKey, userKey], "text");
  } catch (error) {
    throw kvUnavailable("get", tokenKey, error);
  }
  const before = Number(values.get(userKey) ?? Number.NaN);
  return { tokenRevoked: (values.get(tokenKey) ?? null) !== null, userTokensRevokedBefore: Number.isFinite(before) ? before : null };
}

/**
 * Records `key` in REVOKED until the revoked thing would have expired anyway (at least KV's
 * minimum TTL), holding `value`. Throws ServiceUnavailableError when KV cannot take the write.
 */
export async function recordRevocation(
  kv: KVNamespace,
  key: string,
  record: { expiresAt: number; now?: number; value?: string },
): Promise<void> {
  try {
    await kv.put(key, record.value ?? "1", { expirationTtl: revocationTtlSeconds(record.expiresAt, record.now) });
  } catch (error) {
    throw kvUnavailable("put", key, error);
  }
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
