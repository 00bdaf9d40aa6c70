/**
 * Every KV key and TTL lives here and nowhere else; docs/storage.md lists them.
 * Namespace REVOKED holds only revocations, keyed by hashes and ids, never raw tokens.
 */

import { MAX_TOKEN_AGE_SECONDS } from "../config";

/** KV refuses expirationTtl below 60 seconds. */
const KV_MIN_TTL_SECONDS = 60;
/** How long KV may take to carry a write to every location, as Cloudflare states it. */
export const KV_PROPAGATION_SECONDS = 60;

/** TTL for a revocation record: the revoked thing's remaining life, at least KV's minimum. */
export function revocationTtlSeconds(expiresAtMs: number, nowMs = Date.now()): number {
  return Math.max(KV_MIN_TTL_SECONDS, Math.ceil((expiresAtMs - nowMs) / 1000));
}

/** A single token revoked before it expired: `tok:<base64url sha256 of the token>`. */
export const revokedTokenKey = (tokenHash: string) => `tok:${tokenHash}`;

/** A session ended by logout, logout everywhere or deactivation: `sess:<session id>`. */
export const revokedSessionKey = (sessionId: string) => `sess:${sessionId}`;

/**
 * Every token of a user issued before a moment is dead (deletion, deactivation, revoke all,
 * sign out everywhere): `user:<user id>` holding that moment in Unix ms. It lives as long as
 * the longest-lived token could.
 */
export const revokedUserTokensKey = (userId: string) => `user:${userId}`;
export const USER_REVOCATION_TTL_SECONDS = MAX_TOKEN_AGE_SECONDS;

/**
 * The moment of the latest revocation in one of the shards of REVOKED (src/kv/generations.ts):
 * `gen:<shard>`, the shard in hexadecimal.
 */
export const generationKey = (shard: number) => `gen:${shard.toString(16)}`;
