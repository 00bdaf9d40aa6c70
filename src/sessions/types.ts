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
}

/**
 * The result of reading the session cookie on a request. `setCookie` is a full
 * Set-Cookie header value when the session slid (revalidated against D1 and re-issued);
 * the caller must add it to its response.
 */
export type SessionCheck =
  | { ok: true; identity: SessionIdentity; setCookie: string | null }
  | { ok: false; reason: "missing" | "invalid" | "expired" | "revoked" | "unavailable" };
