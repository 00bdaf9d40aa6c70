import type { Config } from "../config";
import type { Database } from "../db/client";

/** How a principal proved who it is; becomes the assertion's `amr` claim. */
export type AuthMethod = "link" | "code" | "service" | "share";

/** A verified browser session, as the gate and /me see it. */
export interface SessionIdentity {
  sessionId: string;
  userId: string;
  email: string;
  amr: "link" | "code";
  /** Unix ms. */
  expiresAt: number;
  /** The user's groups that some policy names, plus ADMIN_GROUP, as of the last D1 check. */
  groups: string[];
}

/**
 * The result of reading the session cookie on a request. `setCookie` is a full
 * Set-Cookie header value when the session slid (revalidated against D1 and re-issued);
 * the caller must add it to its response.
 */
export type SessionCheck =
  | { ok: true; identity: SessionIdentity; setCookie: string | null }
  | { ok: false; reason: "missing" | "invalid" | "expired" | "revoked" | "unavailable" };

/** What the session functions need: config, the drizzle handle, the REVOKED namespace. */
export interface SessionDeps {
  config: Config;
  db: Database;
  kv: KVNamespace;
  /** Unix ms, for tests that control the clock; defaults to Date.now(). */
  now?: number;
}

/**
 * The claims of the session cookie's JWT. `iat` and `exp` are seconds (RFC 7519 section
 * 4.1); `rv` is the Unix ms of the last check against D1, which decides when the next is due.
 */
export interface SessionClaims {
  sid: string;
  sub: string;
  email: string;
  amr: "link" | "code";
  iat: number;
  exp: number;
  rv: number;
  /** Carried groups (src/groups/session-groups.ts), refreshed at each revalidation; `grp` in the JWT. */
  groups: string[];
  /**
   * The app host this cookie was minted for by the cross-host sign-in (`hst` in the JWT,
   * docs/access.md); absent on the auth host's own cookie.
   */
  host?: string;
}
