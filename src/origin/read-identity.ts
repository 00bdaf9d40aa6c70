import type { JWTPayload } from "jose";
import { SesameAssertionError } from "./errors.js";
import type { SesameAssertionClaims, SesameAuthMethod, SesameIdentity } from "./types.js";

const AUTH_METHODS: ReadonlySet<string> = new Set<SesameAuthMethod>(["link", "code", "service", "share"]);

/**
 * The identity in a signature-checked claim set, after checking the claims the edge always
 * sets. A claim of the wrong shape means the token was not made by a sesame-edge gate, so
 * it is refused rather than half-trusted. Messages name the claim, never its value.
 */
export function readIdentity(payload: JWTPayload): SesameIdentity {
  for (const claim of ["sub", "email", "sid", "jti"] as const) {
    if (typeof payload[claim] !== "string" || payload[claim] === "") {
      throw new SesameAssertionError("invalid_assertion", `The assertion's "${claim}" claim is missing or not a string.`);
    }
  }
  if (typeof payload.amr !== "string" || !AUTH_METHODS.has(payload.amr)) {
    throw new SesameAssertionError("invalid_assertion", `The assertion's "amr" claim is not one of link, code, service, share.`);
  }
  if (payload.scope !== undefined && typeof payload.scope !== "string") {
    throw new SesameAssertionError("invalid_assertion", `The assertion's "scope" claim is not a string.`);
  }
  const claims = payload as SesameAssertionClaims;
  return {
    userId: claims.sub,
    email: claims.email,
    sessionId: claims.sid,
    amr: claims.amr,
    scope: claims.scope,
    claims,
  };
}
