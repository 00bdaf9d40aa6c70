/**
 * HMAC keys derived from SESAME_SECRET (and its fallbacks), one per purpose, so a value
 * signed for one purpose (a session cookie) can never be replayed as another (a token).
 * Derived keys are cached per isolate: importing a key costs more than using it.
 */
export type KeyPurpose = "token" | "session" | "code" | "rate-limit" | "dev-mailbox" | "attempt" | "continue" | "oidc-sid" | "oidc-fresh";

const encoder = new TextEncoder();
const cache = new Map<string, Promise<CryptoKey>>();

async function importHmacKey(raw: BufferSource): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
}

/** HMAC-SHA256 key for `purpose`: HMAC(secret, "sesame-edge/<purpose>/v1"). */
export function deriveKey(secret: string, purpose: KeyPurpose): Promise<CryptoKey> {
  const id = `${purpose}\u0000${secret}`;
  let key = cache.get(id);
  if (!key) {
    key = (async () => {
      const master = await importHmacKey(encoder.encode(secret));
      const raw = await crypto.subtle.sign("HMAC", master, encoder.encode(`sesame-edge/${purpose}/v1`));
      return importHmacKey(raw);
    })();
    key.catch(() => cache.delete(id));
    cache.set(id, key);
  }
  return key;
}

/** Keys for every configured secret, current first, then fallbacks. */
export function deriveKeys(secrets: readonly string[], purpose: KeyPurpose): Promise<CryptoKey[]> {
  return Promise.all(secrets.map((s) => deriveKey(s, purpose)));
}

/** HMAC-SHA256 of `data`: the full 32-byte MAC, without a copy. */
export function hmac(key: CryptoKey, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return crypto.subtle.sign("HMAC", key, data).then((mac) => new Uint8Array(mac));
}
