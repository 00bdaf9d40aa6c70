/** The sesame token engine: pure (WebCrypto only), no Hono, no D1, no KV. */
export { createToken, type CreateTokenOptions } from "./create-token";
export { verifyToken, type VerifyTokenOptions } from "./verify-token";
export { hashToken } from "./hash-token";
export { deriveKey, deriveKeys, hmac, type KeyPurpose } from "./keys";
export { isUuid, timingSafeEqual, timingSafeEqualSecrets, sha256 } from "./bytes";
export { encodeBase64url, decodeBase64url } from "./base64url";
export type { TokenSubject, TokenFailureReason, TokenInfo, VerifyResult } from "./types";
