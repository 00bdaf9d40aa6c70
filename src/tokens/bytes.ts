const encoder = new TextEncoder();

/**
 * Compares in time that does not depend on where the bytes differ. The length is not
 * hidden: use it on fixed-size values (MACs, digests), or on digests of secrets.
 */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  // biome-ignore lint/style/noNonNullAssertion: i < a.length === b.length
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Constant-time equality of two secrets of any length: compares their SHA-256 digests. */
export async function timingSafeEqualSecrets(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([sha256(a), sha256(b)]);
  return timingSafeEqual(da, db);
}

export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encodeText(text)));
}

/** UTF-8 encoding with a fast path for ASCII, which is what tokens, stamps and emails are. */
function encodeText(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return encoder.encode(text);
    out[i] = c;
  }
  return out;
}

/**
 * Concatenates fields, each preceded by its 4-byte big-endian length, so no field can
 * shift into its neighbour (django-sesame v1 let a scope absorb part of the email).
 */
export function lengthPrefixed(fields: (string | Uint8Array)[]): Uint8Array<ArrayBuffer> {
  const parts = fields.map((f) => (typeof f === "string" ? encodeText(f) : f));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let o = 0;
  for (const p of parts) {
    view.setUint32(o, p.length);
    out.set(p, o + 4);
    o += 4 + p.length;
  }
  return out;
}

/** A lower-case UUID: the form of every id we mint (users, sessions, service tokens). */
export function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id);
}

export function uuidToBytes(id: string): Uint8Array | null {
  if (!isUuid(id)) return null;
  const hex = id.replace(/-/g, "");
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
export function bytesToUuid(bytes: Uint8Array): string {
  let hex = "";
  // biome-ignore lint/style/noNonNullAssertion: callers pass the 16 bytes of a parsed token's user id
  for (let i = 0; i < 16; i++) hex += HEX[bytes[i]!];
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
