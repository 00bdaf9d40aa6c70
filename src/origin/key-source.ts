/**
 * Where verifyAssertion gets the edge's public key for a `kid`: the remote JWKS (cached per
 * URL), a key set given inline, or a caller's own jose resolver. Failures to find or fetch a
 * key become SesameAssertionError codes here, so the rest of verification never guesses.
 */
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";
import { SesameAssertionError } from "./errors.js";
import { getRemoteJwks } from "./remote-jwks.js";

// An inline key set is imported once, however many requests verify against it.
const localSets = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();

/** The raw resolver for `jwksUrl` or `jwks` (options already checked). */
export function selectKeySource(jwksUrl: URL | undefined, jwks: JSONWebKeySet | JWTVerifyGetKey | undefined): JWTVerifyGetKey {
  if (jwksUrl) return getRemoteJwks(jwksUrl);
  if (typeof jwks === "function") return jwks;
  // biome-ignore lint/style/noNonNullAssertion: checkOptions refused options without exactly one of jwksUrl and jwks
  const keySet = jwks!;
  let local = localSets.get(keySet);
  if (!local) {
    try {
      local = createLocalJWKSet(keySet);
    } catch {
      // The caller's configuration, not the request, is wrong: a programmer error.
      throw new TypeError("sesame-edge/origin: `jwks` is not a JSON Web Key Set ({ keys: [...] })");
    }
    localSets.set(keySet, local);
  }
  return local;
}

/**
 * Wraps `source` so a missing `kid` is refused up front (the edge always sets one; without
 * it a key set with several keys would be ambiguous) and key-lookup failures get our codes.
 */
export function withKeyErrors(source: JWTVerifyGetKey): JWTVerifyGetKey {
  return async function resolveAssertionKey(header, token) {
    if (typeof header.kid !== "string" || header.kid === "") {
      throw new SesameAssertionError("invalid_assertion", "The assertion has no key id (kid).");
    }
    try {
      return await source(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) {
        throw new SesameAssertionError("unknown_key", "No key in the edge's key set has the assertion's key id.");
      }
      if (error instanceof errors.JWKSMultipleMatchingKeys) {
        throw new SesameAssertionError("unknown_key", "Several keys in the edge's key set have the assertion's key id.");
      }
      // Connection refused (a TypeError from fetch), a non-200 answer, a timeout, a body
      // that is not a key set: the keys are unavailable, whatever the assertion says.
      throw new SesameAssertionError("jwks_unavailable", "The edge's key set could not be loaded.", { cause: error });
    }
  };
}
