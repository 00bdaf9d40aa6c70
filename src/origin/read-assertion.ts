import { SesameAssertionError } from "./errors.js";

/** The header the gate sets on every request it forwards (docs/origin.md). */
export const ASSERTION_HEADER = "Sesame-Assertion";
/**
 * The assertion's `typ` header (RFC 8725 section 3.11, explicit typing). Origins require it,
 * so no other JWT the edge signs (an OpenID Connect ID token, docs/oidc.md) passes for one.
 */
export const ASSERTION_TYPE = "sesame-assertion+jwt";
/** The `typ` edges before 0.2 signed with, accepted for one release unless `acceptLegacyAssertions` is false (docs/origin.md). */
export const LEGACY_ASSERTION_TYPE = "JWT";
/** Far above a real assertion (~600 bytes); anything longer is refused before any parsing. */
export const MAX_ASSERTION_LENGTH = 8192;

/** What verifyAssertion accepts: a fetch Request, its Headers, or the header value itself. */
export type AssertionInput = Request | Headers | string | null | undefined;

/** The assertion carried by `input`, or a missing_assertion / invalid_assertion error. */
export function readAssertion(input: AssertionInput): string {
  const value = typeof input === "string" || input == null ? input : headersOf(input).get(ASSERTION_HEADER);
  const token = value?.trim();
  if (!token) throw new SesameAssertionError("missing_assertion", "The request has no Sesame-Assertion header.");
  if (token.length > MAX_ASSERTION_LENGTH) throw new SesameAssertionError("invalid_assertion", "The assertion is too long.");
  return token;
}

// Duck-typed rather than instanceof: Request and Headers may come from another realm or a polyfill.
function headersOf(input: Request | Headers): Headers {
  if ("headers" in input && input.headers && typeof input.headers.get === "function") return input.headers;
  if (typeof (input as Headers).get === "function") return input as Headers;
  throw new TypeError("sesame-edge/origin: verifyAssertion takes a Request, a Headers object or the header value");
}
