/**
 * Reading REVOKED. A revocation that cannot be read must not read as "not revoked": the
 * check fails closed. A KV failure becomes ServiceUnavailableError (503 where it reaches
 * onError); the gate turns it into "not authenticated" (src/gate/token-auth.ts), as
 * readSession does for sessions.
 */
import { ServiceUnavailableError } from "../errors";

/** True when `key` is in REVOKED; throws ServiceUnavailableError when KV cannot answer. */
export async function isRevocationRecorded(kv: KVNamespace, key: string): Promise<boolean> {
  let value: string | null;
  try {
    value = await kv.get(key);
  } catch (error) {
    console.error(JSON.stringify({ level: "error", msg: "storage_unavailable", store: "kv", error: String(error) }));
    throw new ServiceUnavailableError();
  }
  return value !== null;
}
