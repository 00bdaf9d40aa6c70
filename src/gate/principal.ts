import type { AuthMethod } from "../sessions/types";

/**
 * Who a gated request acts for, however it proved it. Becomes the assertion's claims and
 * the Sesame-User-* headers.
 */
export interface Principal {
  userId: string;
  email: string;
  /** Session id; the service-token id for a bearer; the token hash prefix for a share link. */
  sid: string;
  amr: AuthMethod;
  /** The token scope for service tokens ("api") and share links ("path:/x"); none for sessions. */
  scope?: string;
  /** The user's groups that some policy names, plus ADMIN_GROUP (docs/access.md); the assertion's `groups`. */
  groups: readonly string[];
}
