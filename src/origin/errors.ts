/**
 * The one error type verifyAssertion throws for a request it cannot trust. Callers switch on
 * `code` (stable), never on `message` (wording may change). Messages are fixed sentences:
 * they never carry the assertion or any value taken from it, so logging them is safe.
 */

/** Why an assertion was refused. */
export type SesameAssertionErrorCode =
  /** No Sesame-Assertion header: the request did not come through the gate. */
  | "missing_assertion"
  /** Malformed, wrong algorithm, bad signature, or a required claim missing or malformed. */
  | "invalid_assertion"
  /** `exp` (or `maxTokenAge`) passed, beyond the clock tolerance. */
  | "expired"
  /** `iss` is not the configured issuer: signed for another edge. */
  | "wrong_issuer"
  /** `aud` is not the configured audience: meant for another origin. */
  | "wrong_audience"
  /** No key in the JWKS has the assertion's `kid`, even after a refresh. */
  | "unknown_key"
  /** The JWKS could not be fetched or parsed: not the client's fault, retry later. */
  | "jwks_unavailable";

export class SesameAssertionError extends Error {
  override readonly name = "SesameAssertionError";
  readonly code: SesameAssertionErrorCode;
  /** The HTTP status an origin should answer with: 503 when the JWKS is unreachable, 401 otherwise. */
  readonly status: 401 | 503;

  constructor(code: SesameAssertionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.status = code === "jwks_unavailable" ? 503 : 401;
  }
}
