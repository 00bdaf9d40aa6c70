/**
 * Validates verifyAssertion's options. A wrong option is the programmer's mistake, so it
 * throws TypeError (the adapters call this at construction, so a bad config fails at start).
 */
import type { JSONWebKeySet, JWTVerifyGetKey } from "jose";
import type { VerifyAssertionOptions } from "./types.js";

/** Clock skew allowed by default on `exp` and `iat`, in seconds: small, as assertions live 60 s. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;

export interface CheckedOptions {
  jwksUrl: URL | undefined;
  jwks: JSONWebKeySet | JWTVerifyGetKey | undefined;
  issuer: string;
  audience: string | string[];
  clockTolerance: number;
  maxTokenAge: number | undefined;
  acceptLegacyAssertions: boolean;
}

export function checkVerifyOptions(options: VerifyAssertionOptions): CheckedOptions {
  const fail = (message: string): never => {
    throw new TypeError(`sesame-edge/origin: ${message}`);
  };
  if (!options || typeof options !== "object") fail("options are required ({ jwksUrl, issuer, audience })");
  const {
    jwksUrl,
    jwks,
    issuer,
    audience,
    clockTolerance = DEFAULT_CLOCK_TOLERANCE_SECONDS,
    maxTokenAge,
    acceptLegacyAssertions = true,
  } = options;

  if ((jwksUrl === undefined) === (jwks === undefined)) fail("give exactly one of `jwksUrl` and `jwks`");
  let url: URL | undefined;
  if (jwksUrl !== undefined) {
    url = URL.canParse(String(jwksUrl)) ? new URL(String(jwksUrl)) : undefined;
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:")) fail("`jwksUrl` must be an absolute http(s) URL");
  }
  if (jwks !== undefined && typeof jwks !== "function" && !Array.isArray((jwks as JSONWebKeySet)?.keys)) {
    fail("`jwks` must be a JSON Web Key Set ({ keys: [...] }) or a key resolver function");
  }

  // `iss` is the edge's PUBLIC_URL origin; a trailing slash or path would never match.
  if (typeof issuer !== "string" || !URL.canParse(issuer) || new URL(issuer).origin !== issuer) {
    fail("`issuer` must be the edge's URL origin, like https://app.example.com (no path, no trailing slash)");
  }
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (audiences.length === 0 || audiences.some((a) => typeof a !== "string" || a === "")) {
    fail("`audience` must be a non-empty string (the edge's ASSERTION_AUDIENCE) or a list of them");
  }
  if (typeof clockTolerance !== "number" || !Number.isFinite(clockTolerance) || clockTolerance < 0) {
    fail("`clockTolerance` must be a number of seconds >= 0");
  }
  if (maxTokenAge !== undefined && (typeof maxTokenAge !== "number" || !Number.isFinite(maxTokenAge) || maxTokenAge < 0)) {
    fail("`maxTokenAge` must be a number of seconds >= 0");
  }
  if (typeof acceptLegacyAssertions !== "boolean") fail("`acceptLegacyAssertions` must be true or false");
  return { jwksUrl: url, jwks, issuer, audience, clockTolerance, maxTokenAge, acceptLegacyAssertions };
}
