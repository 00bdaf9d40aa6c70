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
  return writeAscii(out, 0, text) ? out : encoder.encode(text);
}

/** Writes `text` at `offset` if it is all ASCII (one byte per character); false, with `out` partly written, if not. */
export function writeAscii(out: Uint8Array, offset: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return false;
    out[offset + i] = c;
  }
  return true;
}

function writeUint32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24;
  out[offset + 1] = value >>> 16;
  out[offset + 2] = value >>> 8;
  out[offset + 3] = value;
}

/**
 * Concatenates fields, each preceded by its 4-byte big-endian length, so no field can
 * shift into its neighbour (django-sesame v1 let a scope absorb part of the email).
 * Every MAC input goes through here, on the token hot path: ASCII fields are written
 * straight into the one output buffer, anything else takes the UTF-8 path.
 */
export function lengthPrefixed(fields: readonly (string | Uint8Array)[]): Uint8Array<ArrayBuffer> {
  let size = 0;
  for (const f of fields) size += 4 + f.length;
  const out = new Uint8Array(size);
  let o = 0;
  for (const f of fields) {
    if (typeof f === "string") {
      if (!writeAscii(out, o + 4, f)) return lengthPrefixedUtf8(fields);
    } else {
      out.set(f, o + 4);
    }
    writeUint32(out, o, f.length);
    o += 4 + f.length;
  }
  return out;
}

function lengthPrefixedUtf8(fields: readonly (string | Uint8Array)[]): Uint8Array<ArrayBuffer> {
  const parts = fields.map((f) => (typeof f === "string" ? encoder.encode(f) : f));
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  let o = 0;
  for (const p of parts) {
    writeUint32(out, o, p.length);
    out.set(p, o + 4);
    o += 4 + p.length;
  }
  return out;
}

const UUID_SCRATCH = new Uint8Array(16);
/** A lower-case UUID (8-4-4-4-12 hex digits): the form of every id we mint (users, sessions, service tokens). */
export function isUuid(id: string): boolean {
  return writeUuidBytes(id, UUID_SCRATCH, 0);
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE["0123456789abcdef".charCodeAt(i)] = i;

/** Writes the 16 bytes of a lower-case UUID at `offset`; false, with `out` partly written, if `id` is not one. */
export function writeUuidBytes(id: string, out: Uint8Array, offset: number): boolean {
  if (id.length !== 36) return false;
  let o = offset;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (id.charCodeAt(i) !== 0x2d) return false;
      i--; // the next pair starts right after the dash
      continue;
    }
    const hi = id.charCodeAt(i);
    const lo = id.charCodeAt(i + 1);
    // biome-ignore lint/style/noNonNullAssertion: indices are checked to be below 128 first
    const value = hi < 128 && lo < 128 ? (HEX_VALUE[hi]! << 4) | HEX_VALUE[lo]! : -1;
    if (value < 0) return false;
    out[o++] = value;
  }
  return true;
}

const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
/** The lower-case UUID text of the 16 bytes at offset `o` (written out in full: a loop or a helper per byte costs twice as much). */
export function bytesToUuid(b: Uint8Array, o: number): string {
  // biome-ignore-start lint/style/noNonNullAssertion: callers pass the 16 bytes of a parsed token's user id, and every byte indexes HEX
  return `${HEX[b[o]!]}${HEX[b[o + 1]!]}${HEX[b[o + 2]!]}${HEX[b[o + 3]!]}-${HEX[b[o + 4]!]}${HEX[b[o + 5]!]}-${HEX[b[o + 6]!]}${HEX[b[o + 7]!]}-${HEX[b[o + 8]!]}${HEX[b[o + 9]!]}-${HEX[b[o + 10]!]}${HEX[b[o + 11]!]}${HEX[b[o + 12]!]}${HEX[b[o + 13]!]}${HEX[b[o + 14]!]}${HEX[b[o + 15]!]}`;
  // biome-ignore-end lint/style/noNonNullAssertion: see above
}
