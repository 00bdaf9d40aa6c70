/** The sesame token engine: pure (WebCrypto only), no Hono, no D1, no KV. */

export { decodeBase64url, encodeBase64url } from "./base64url";
export { isUuid, sha256, timingSafeEqual, timingSafeEqualSecrets } from "./bytes";
export { createToken } from "./create-token";
export { hashToken, hashTokenOnce } from "./hash-token";
export { deriveKey, deriveKeys, hmac } from "./keys";
export type { TokenFailureReason, TokenInfo, TokenSubject, VerifyResult } from "./types";
export { type VerifyTokenOptions, verifyToken } from "./verify-token";
