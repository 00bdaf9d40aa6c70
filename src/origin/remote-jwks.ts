/**
 * One remote key set per JWKS URL for the whole process (or isolate), so an app that calls
 * verifyAssertion on every request fetches the edge's keys once, not once per request.
 */
import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";

/** Matches the edge's `Cache-Control: max-age=300` on /.well-known/jwks.json and the key rotation wait (docs/keys.md). */
export const JWKS_CACHE_MAX_AGE_MS = 5 * 60_000;
/**
 * An assertion with a `kid` we do not know triggers a refetch (a key was just rotated in),
 * but at most this often: garbage kids from a client cannot turn into a flood on the edge.
 */
export const JWKS_COOLDOWN_MS = 30_000;
/** A JWKS fetch slower than this fails the request as jwks_unavailable instead of hanging it. */
export const JWKS_TIMEOUT_MS = 5_000;

// Keyed by URL href; an app talks to one edge, perhaps two during a migration, so no eviction.
const remoteSets = new Map<string, JWTVerifyGetKey>();

/** The shared, caching, rotation-aware key resolver for `url`. */
export function getRemoteJwks(url: URL): JWTVerifyGetKey {
  let keySet = remoteSets.get(url.href);
  if (!keySet) {
    keySet = createRemoteJWKSet(url, {
      cacheMaxAge: JWKS_CACHE_MAX_AGE_MS,
      cooldownDuration: JWKS_COOLDOWN_MS,
      timeoutDuration: JWKS_TIMEOUT_MS,
    });
    remoteSets.set(url.href, keySet);
  }
  return keySet;
}
