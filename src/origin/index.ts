/**
 * sesame-edge/origin: verify the Sesame-Assertion the edge attaches to every request it
 * forwards, and get the user's identity from it. Adapters: sesame-edge/origin/hono and
 * sesame-edge/origin/node (Express and plain node:http). See docs/origin.md.
 */

export { DEFAULT_CLOCK_TOLERANCE_SECONDS } from "./check-options.js";
export { SesameAssertionError, type SesameAssertionErrorCode } from "./errors.js";
export { ASSERTION_HEADER, ASSERTION_TYPE, type AssertionInput } from "./read-assertion.js";
export { JWKS_CACHE_MAX_AGE_MS, JWKS_COOLDOWN_MS, JWKS_TIMEOUT_MS } from "./remote-jwks.js";
export type { SesameAssertionClaims, SesameAuthMethod, SesameIdentity, VerifyAssertionOptions } from "./types.js";
export { ASSERTION_ALGORITHMS, verifyAssertion } from "./verify-assertion.js";
