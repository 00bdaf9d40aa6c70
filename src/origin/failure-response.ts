import type { SesameAssertionError } from "./errors.js";

/** What the adapters answer when an assertion is refused: status, headers and JSON body. */
export interface FailureResponse {
  status: 401 | 503;
  headers: Record<string, string>;
  body: string;
}

/**
 * `{"error": code, "message": ...}` with 401 (503 when the edge's keys are unreachable, which
 * is the origin's problem, not the client's). The message is the error's fixed text: no
 * token, no claim value. no-store, since the answer depends on the request's credentials.
 */
export function describeFailure(error: SesameAssertionError): FailureResponse {
  const headers: Record<string, string> = {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
  };
  // RFC 9110 section 11.6.1: a 401 carries a challenge; the scheme names the header to send.
  if (error.status === 401) headers["WWW-Authenticate"] = 'Sesame-Assertion realm="origin"';
  if (error.status === 503) headers["Retry-After"] = "5";
  return { status: error.status, headers, body: JSON.stringify({ error: error.code, message: error.message }) };
}
