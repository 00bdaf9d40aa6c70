/**
 * verifyAssertion: the one check an origin behind sesame-edge needs. Runs anywhere with
 * WebCrypto and fetch (Node 20+, Workers, Bun, Deno); depends on jose only.
 */
import { decodeProtectedHeader, errors, type JWTPayload, jwtVerify, type ProtectedHeaderParameters } from "jose";
import { checkVerifyOptions } from "./check-options.js";
import { SesameAssertionError } from "./errors.js";
import { selectKeySource, withKeyErrors } from "./key-source.js";
import { ASSERTION_TYPE, type AssertionInput, LEGACY_ASSERTION_TYPE, readAssertion } from "./read-assertion.js";
import { readIdentity } from "./read-identity.js";
import type { SesameIdentity, VerifyAssertionOptions } from "./types.js";

/** The only algorithm the edge signs with. Pinned, so `none` and HS256-with-the-public-key are refused before any key is used. */
export const ASSERTION_ALGORITHMS = ["ES256"];
/** Claims the edge always sets; jose checks presence, readIdentity checks shape. */
const REQUIRED_CLAIMS = ["iss", "aud", "sub", "iat", "exp", "jti", "email", "sid", "amr"];
const KNOWN_CLAIMS: ReadonlySet<string> = new Set([...REQUIRED_CLAIMS, "nbf"]);

/**
 * Verifies the request's Sesame-Assertion and returns who made it.
 *
 * Checks: the signature (ES256 only, key chosen by `kid` from the edge's JWKS), `iss` ===
 * `issuer`, `aud` includes `audience`, `exp` not passed and `iat` not in the future (both
 * with `clockTolerance`, default 5 s), optional `maxTokenAge`, and the presence and shape of
 * `sub`, `email`, `sid`, `amr`, `jti`, and the header `typ: "sesame-assertion+jwt"` (or, unless
 * `acceptLegacyAssertions` is false, the `JWT` of edges before 0.2). Sesame-User-* headers
 * are never read.
 *
 * @throws SesameAssertionError (with a stable `code`) when the request cannot be trusted;
 *   TypeError when `options` are wrong.
 */
export async function verifyAssertion(input: AssertionInput, options: VerifyAssertionOptions): Promise<SesameIdentity> {
  const checked = checkVerifyOptions(options);
  const getKey = withKeyErrors(selectKeySource(checked.jwksUrl, checked.jwks));
  const token = readAssertion(input);

  // Explicit typing (RFC 8725 section 3.11): an ID token or any other JWT the edge signs is
  // never an assertion, even with a matching key, issuer and audience. Checked first, so the
  // refusal says why whatever else the token gets wrong.
  const typ = headerOf(token).typ;
  if (typ !== ASSERTION_TYPE && !(checked.acceptLegacyAssertions && typ === LEGACY_ASSERTION_TYPE)) {
    throw new SesameAssertionError("invalid_assertion", `The token's "typ" header is not ${ASSERTION_TYPE}: it is not an assertion.`);
  }

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      algorithms: ASSERTION_ALGORITHMS,
      issuer: checked.issuer,
      audience: checked.audience,
      clockTolerance: checked.clockTolerance,
      maxTokenAge: checked.maxTokenAge,
      requiredClaims: REQUIRED_CLAIMS,
    }));
  } catch (error) {
    throw toAssertionError(error);
  }
  // jose checks `iat` against the clock only with maxTokenAge; an assertion from the future
  // means a broken edge clock or a forged token, so refuse it either way.
  if ((payload.iat as number) > Date.now() / 1000 + checked.clockTolerance) {
    throw new SesameAssertionError("invalid_assertion", 'The assertion\'s "iat" claim is in the future.');
  }
  return readIdentity(payload);
}

/** The token's protected header, unverified (read only to refuse early); malformed is invalid_assertion. */
function headerOf(token: string): ProtectedHeaderParameters {
  try {
    return decodeProtectedHeader(token);
  } catch {
    throw new SesameAssertionError("invalid_assertion", "The assertion is malformed.");
  }
}

/** jose's failure, as one of our codes. jose's own messages are not reused: we keep ours fixed. */
function toAssertionError(error: unknown): SesameAssertionError {
  if (error instanceof SesameAssertionError) return error;
  if (error instanceof errors.JWTExpired) return new SesameAssertionError("expired", "The assertion has expired.");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss" && error.reason === "check_failed") {
      return new SesameAssertionError("wrong_issuer", "The assertion was not issued by the configured edge.");
    }
    if (error.claim === "aud" && error.reason === "check_failed") {
      return new SesameAssertionError("wrong_audience", "The assertion was issued for another audience.");
    }
    // `claim` is one of jose's fixed claim names, never text from the token.
    if (KNOWN_CLAIMS.has(error.claim)) {
      return new SesameAssertionError("invalid_assertion", `The assertion's "${error.claim}" claim is missing or malformed.`);
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new SesameAssertionError("invalid_assertion", "The assertion is not signed with ES256.");
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new SesameAssertionError("invalid_assertion", "The assertion's signature does not verify.");
  }
  // Malformed compact JWS, bad base64url or JSON, or anything else: refuse, never half-trust.
  return new SesameAssertionError("invalid_assertion", "The assertion is malformed.");
}
