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
import { bytesToUuid } from "./bytes";

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

export function packBody(body: TokenBody, userIdBytes: Uint8Array): Uint8Array {
  const scope = encoder.encode(body.scope);
  if (scope.length > MAX_SCOPE_BYTES) throw new TypeError("scope is longer than 255 bytes");
  // A lone surrogate would be encoded as U+FFFD: the token would carry another scope than asked.
  if (strictDecoder.decode(scope) !== body.scope) throw new TypeError("scope must be well-formed Unicode");
  const out = new Uint8Array(HEADER_BYTES + scope.length);
  const view = new DataView(out.buffer);
  out[0] = (TOKEN_VERSION << 4) | (body.oneTime ? FLAG_ONE_TIME : 0);
  out.set(userIdBytes, 1);
  view.setUint16(17, Math.floor(body.issuedAt / 2 ** 32));
  view.setUint32(19, body.issuedAt >>> 0);
  view.setUint32(23, body.lifetimeSeconds);
  out[27] = scope.length;
  out.set(scope, HEADER_BYTES);
  return out;
}

/** Splits raw token bytes into fields, or null if the layout is wrong in any way. */
export function parseTokenBytes(bytes: Uint8Array): ParsedToken | null {
  if (bytes.length < HEADER_BYTES + 2 * TAG_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = view.getUint8(0);
  if (tag >> 4 !== TOKEN_VERSION || (tag & 0x0f & ~FLAG_ONE_TIME) !== 0) return null;
  const scopeLength = view.getUint8(27);
  const signedLength = HEADER_BYTES + scopeLength;
  if (bytes.length !== signedLength + 2 * TAG_BYTES) return null;
  let scope: string;
  try {
    scope = scopeLength === 0 ? "" : strictDecoder.decode(bytes.subarray(HEADER_BYTES, signedLength));
  } catch {
    return null;
  }
  return {
    userId: bytesToUuid(bytes.subarray(1, 17)),
    issuedAt: view.getUint16(17) * 2 ** 32 + view.getUint32(19),
    lifetimeSeconds: view.getUint32(23),
    scope,
    oneTime: (tag & FLAG_ONE_TIME) !== 0,
    signed: bytes.subarray(0, signedLength),
    bodyTag: bytes.subarray(signedLength, signedLength + TAG_BYTES),
    stateTag: bytes.subarray(signedLength + TAG_BYTES),
  };
}
