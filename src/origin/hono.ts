/**
 * sesame-edge/origin/hono: Hono middleware for an origin app behind sesame-edge.
 *
 *   app.use(sesameHono({ jwksUrl, issuer, audience }));
 *   app.get("/", (c) => c.text(`Hello, ${c.var.sesame.email}`));
 */

import type { MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { checkVerifyOptions } from "./check-options.js";
import { SesameAssertionError } from "./errors.js";
import { describeFailure } from "./failure-response.js";
import type { SesameIdentity, VerifyAssertionOptions } from "./types.js";
import { verifyAssertion } from "./verify-assertion.js";

/** Context variables the middleware sets: `c.var.sesame`. */
export type SesameVariables = { sesame: SesameIdentity };

/**
 * Verifies every request's Sesame-Assertion; on success sets `c.var.sesame` and continues,
 * otherwise answers 401 JSON `{error: code, message}` (503 when the JWKS is unreachable).
 * Options are checked here, once: a wrong one throws TypeError at start-up.
 */
export function sesameHono(options: VerifyAssertionOptions): MiddlewareHandler<{ Variables: SesameVariables }> {
  checkVerifyOptions(options);
  return createMiddleware<{ Variables: SesameVariables }>(async function sesameAssertion(c, next) {
    try {
      c.set("sesame", await verifyAssertion(c.req.raw, options));
    } catch (error) {
      if (!(error instanceof SesameAssertionError)) throw error;
      const failure = describeFailure(error);
      return c.body(failure.body, failure.status, failure.headers);
    }
    await next();
  });
}
