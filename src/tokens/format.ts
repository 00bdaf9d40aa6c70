/**
 * The binary layout of a sesame token (version 1), before base64url:
 *
 *   offset  size  field
 *   0       1     tag: version (high nibble, 1) | flags (bit 0: one-time)
 *   1       16    user id (UUID bytes)
 *   17      6     issued at, Unix milliseconds, big-endian
 *   23      4     lifetime in seconds, big-endian
 *   27      1     scope length L (UTF-8 bytes, 0-255)
 *   28      L     scope
 *   28+L    8     body tag:  HMAC(key, lp("sesame-edge/body", bytes 0..28+L))[0..8]
 *   36+L    8     state tag: HMAC(key, lp("sesame-edge/state", bytes 0..28+L, stamp, email, login marker))[0..8]
 *
 * The body tag authenticates who, when and what; the state tag binds the user's
 * revocation state. Two tags let failures be told apart exactly (a forged body is
 * `bad_signature`; a genuine body whose user state moved on is `used` or `revoked`).
 * Each tag is 64 bits, and a forger must pass the body tag before the state tag matters;
 * docs/tokens.md has the strength argument.
 */
import { bytesToUuid, writeAscii, writeUuidBytes } from "./bytes";

const TOKEN_VERSION = 1;
const FLAG_ONE_TIME = 0x01;
export const TAG_BYTES = 8;
export const HEADER_BYTES = 28;
export const MAX_SCOPE_BYTES = 255;
/** Longest token text we even try to decode: a 255-byte scope gives 399 characters. */
export const MAX_TOKEN_CHARS = 400;

export interface TokenBody {
  userId: string;
  issuedAt: number;
  lifetimeSeconds: number;
  scope: string;
  oneTime: boolean;
}

export interface ParsedToken extends TokenBody {
  /** Bytes covered by the tags. */
  signed: Uint8Array;
  bodyTag: Uint8Array;
  stateTag: Uint8Array;
}

const encoder = new TextEncoder();
// ignoreBOM: keep a leading U+FEFF in the scope. The default strips it, which would let a
// token minted for scope "\uFEFFapi" verify as scope "api".
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The token's bytes with the signed part (0 .. 28+L) filled in and zeros where the two tags
 * go. Throws TypeError for a user id that is not a lower-case UUID or a scope that is not
 * well-formed Unicode of at most 255 UTF-8 bytes.
 */
export function packBody(body: TokenBody): Uint8Array<ArrayBuffer> {
  const scope = body.scope;
  // Most scopes ("", "api", "path:/x") are ASCII: one byte per character, written in place.
  let out = new Uint8Array(HEADER_BYTES + Math.min(scope.length, MAX_SCOPE_BYTES + 1) + 2 * TAG_BYTES);
  let scopeLength = scope.length;
  if (scopeLength > MAX_SCOPE_BYTES || !writeAscii(out, HEADER_BYTES, scope)) {
    const bytes = encoder.encode(scope);
    if (bytes.length > MAX_SCOPE_BYTES) throw new TypeError("scope is longer than 255 bytes");
    // A lone surrogate would be encoded as U+FFFD: the token would carry another scope than asked.
    if (strictDecoder.decode(bytes) !== scope) throw new TypeError("scope must be well-formed Unicode");
    scopeLength = bytes.length;
    out = new Uint8Array(HEADER_BYTES + scopeLength + 2 * TAG_BYTES);
    out.set(bytes, HEADER_BYTES);
  }
  if (!writeUuidBytes(body.userId, out, 1)) throw new TypeError("user.id must be a lower-case UUID");
  const { issuedAt, lifetimeSeconds } = body;
  const high = Math.floor(issuedAt / 2 ** 32);
  out[0] = (TOKEN_VERSION << 4) | (body.oneTime ? FLAG_ONE_TIME : 0);
  out[17] = high >>> 8;
  out[18] = high;
  out[19] = issuedAt >>> 24;
  out[20] = issuedAt >>> 16;
  out[21] = issuedAt >>> 8;
  out[22] = issuedAt;
  out[23] = lifetimeSeconds >>> 24;
  out[24] = lifetimeSeconds >>> 16;
  out[25] = lifetimeSeconds >>> 8;
  out[26] = lifetimeSeconds;
  out[27] = scopeLength;
  return out;
}

/** Splits raw token bytes into fields, or null if the layout is wrong in any way. */
export function parseTokenBytes(bytes: Uint8Array): ParsedToken | null {
  if (bytes.length < HEADER_BYTES + 2 * TAG_BYTES) return null;
  // biome-ignore-start lint/style/noNonNullAssertion: every index is below HEADER_BYTES, checked just above
  const tag = bytes[0]!;
  if (tag >> 4 !== TOKEN_VERSION || (tag & 0x0f & ~FLAG_ONE_TIME) !== 0) return null;
  const scopeLength = bytes[27]!;
  const signedLength = HEADER_BYTES + scopeLength;
  if (bytes.length !== signedLength + 2 * TAG_BYTES) return null;
  const scope = scopeLength === 0 ? "" : decodeScope(bytes.subarray(HEADER_BYTES, signedLength));
  if (scope === null) return null;
  return {
    userId: bytesToUuid(bytes, 1),
    issuedAt:
      ((bytes[17]! << 8) | bytes[18]!) * 2 ** 32 + (((bytes[19]! << 24) | (bytes[20]! << 16) | (bytes[21]! << 8) | bytes[22]!) >>> 0),
    lifetimeSeconds: ((bytes[23]! << 24) | (bytes[24]! << 16) | (bytes[25]! << 8) | bytes[26]!) >>> 0,
    // biome-ignore-end lint/style/noNonNullAssertion: see above
    scope,
    oneTime: (tag & FLAG_ONE_TIME) !== 0,
    signed: bytes.subarray(0, signedLength),
    bodyTag: bytes.subarray(signedLength, signedLength + TAG_BYTES),
    stateTag: bytes.subarray(signedLength + TAG_BYTES),
  };
}

/** Strict UTF-8 (no replacement characters, a leading BOM kept), or null. */
function decodeScope(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}
