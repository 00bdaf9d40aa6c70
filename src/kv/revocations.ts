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
 * Records `key` in REVOKED until the revoked thing would have expired anyway (at least KV's
 * minimum TTL). Throws ServiceUnavailableError when KV cannot take the write.
 */
export async function recordRevocation(kv: KVNamespace, key: string, expiresAtMs: number, nowMs = Date.now()): Promise<void> {
  try {
    await kv.put(key, "1", { expirationTtl: revocationTtlSeconds(expiresAtMs, nowMs) });
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
