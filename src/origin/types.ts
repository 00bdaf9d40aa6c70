import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from "jose";

/** How the user proved who they are at the edge (the `amr` claim). */
export type SesameAuthMethod = "link" | "code" | "service" | "share";

/** The claims of a verified Sesame-Assertion (docs/origin.md). */
export interface SesameAssertionClaims extends JWTPayload {
  iss: string;
  aud: string | string[];
  sub: string;
  email: string;
  sid: string;
  amr: SesameAuthMethod;
  scope?: string;
  iat: number;
  exp: number;
  jti: string;
}

/** Who made the request, taken from the verified assertion only (never from Sesame-User-* headers). */
export interface SesameIdentity {
  /** The `sub` claim: the edge's stable user id. */
  userId: string;
  email: string;
  /** The `sid` claim: the edge session (or service token / share link) behind this request. */
  sessionId: string;
  amr: SesameAuthMethod;
  /** The token scope for service tokens and share links (`api`, `path:/reports/42`); undefined for browser sessions. */
  scope: string | undefined;
  claims: SesameAssertionClaims;
}

export interface VerifyAssertionOptions {
  /**
   * The edge's key set URL, `<PUBLIC_URL>/.well-known/jwks.json`. Fetched on first use, cached
   * for 5 minutes per URL for the whole process, refetched early when an unknown `kid` shows up
   * (at most every 30 s). Give this or `jwks`.
   */
  jwksUrl?: string | URL;
  /** The key set itself, or a jose key resolver (for example your own createRemoteJWKSet). Give this or `jwksUrl`. */
  jwks?: JSONWebKeySet | JWTVerifyGetKey;
  /** The edge's PUBLIC_URL origin, exactly as `iss` carries it: `https://app.example.com` (no path, no trailing slash). */
  issuer: string;
  /** The edge's ASSERTION_AUDIENCE (by default the origin's own URL origin). Several are allowed during a migration. */
  audience: string | string[];
  /** Seconds of clock skew allowed on `exp` and `iat`. Default 5. */
  clockTolerance?: number;
  /**
   * Refuse assertions issued more than this many seconds ago, even when `exp` is later.
   * Default: none, the edge's ASSERTION_TTL (the `exp` claim) decides.
   */
  maxTokenAge?: number;
  /**
   * Accept assertions with the header `typ: "JWT"`, as edges before 0.2 signed them. Default
   * true in 0.2, so origins and edges can be upgraded in either order; false from the next
   * release. Set it to false as soon as your edge runs 0.2 (docs/origin.md, "Assertion type").
   * Every assertion is checked the same way otherwise.
   */
  acceptLegacyAssertions?: boolean;
}
