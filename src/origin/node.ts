/**
 * sesame-edge/origin/node: `(req, res, next)` middleware for Express, Connect and plain
 * node:http. Typed structurally, so it needs neither express nor @types/node.
 *
 *   app.use(sesameExpress({ jwksUrl, issuer, audience }));          // Express
 *   const sesame = sesameExpress(options);                          // node:http
 *   createServer((req, res) => sesame(req, res, () => handle(req, res)));
 */
import { checkVerifyOptions } from "./check-options.js";
import { SesameAssertionError } from "./errors.js";
import { describeFailure } from "./failure-response.js";
import { ASSERTION_HEADER } from "./read-assertion.js";
import type { SesameIdentity, VerifyAssertionOptions } from "./types.js";
import { verifyAssertion } from "./verify-assertion.js";

/** The parts of node:http's IncomingMessage the middleware reads, plus what it sets. */
export interface SesameNodeRequest {
  headers: Record<string, string | string[] | undefined>;
  /** Set by the middleware before `next()`: who made this request. */
  sesame?: SesameIdentity;
}

/** The parts of node:http's ServerResponse the middleware uses to refuse a request. */
export interface SesameNodeResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

export type SesameNodeMiddleware = (req: SesameNodeRequest, res: SesameNodeResponse, next: (error?: unknown) => void) => Promise<void>;

/**
 * Verifies every request's Sesame-Assertion; on success sets `req.sesame` and calls
 * `next()`. A refused assertion is answered here: 401 JSON `{error: code, message}` (503 when
 * the JWKS is unreachable), and `next` is not called. An unexpected error goes to
 * `next(error)`, Express's convention. Options are checked once, here.
 */
export function sesameExpress(options: VerifyAssertionOptions): SesameNodeMiddleware {
  checkVerifyOptions(options);
  const headerName = ASSERTION_HEADER.toLowerCase();
  return async function sesameAssertion(req, res, next) {
    let identity: SesameIdentity;
    try {
      // node:http joins repeated unknown headers with ", "; an array only comes from a caller's
      // own object. Either way a doubled header is not one valid token and fails verification.
      const raw = req.headers[headerName];
      identity = await verifyAssertion(Array.isArray(raw) ? raw.join(", ") : raw, options);
    } catch (error) {
      // A request set up before (or by a client of) this middleware must not keep an identity.
      delete req.sesame;
      if (!(error instanceof SesameAssertionError)) return next(error);
      const failure = describeFailure(error);
      res.statusCode = failure.status;
      for (const [name, value] of Object.entries(failure.headers)) res.setHeader(name, value);
      res.end(failure.body);
      return;
    }
    req.sesame = identity;
    next();
  };
}
