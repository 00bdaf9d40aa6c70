/**
 * ID tokens (OpenID Connect Core section 2): signed with the client's algorithm by the first
 * OIDC_SIGNING_KEYS key of that algorithm, never with the gate's keys. `amr` is an array
 * (RFC 8176); `sid` names the edge session, for logout (docs/oidc.md, "Signing out"); `typ` is
 * plain `JWT`, which origins refuse as an assertion (docs/origin.md).
 */
import { SignJWT } from "jose";
import type { Config } from "../config";
import type { User } from "../db/schema";
import type { Client } from "./clients";
import { importOidcSigningKey, signerFor } from "./signing-keys";

/** Relying parties check the ID token once, at sign-in; ten minutes covers a slow one. */
export const ID_TOKEN_SECONDS = 600;

export interface IdTokenInput {
  client: Client;
  user: User;
  scopes: ReadonlySet<string>;
  /** Unix seconds. */
  authTime: number;
  amr: string;
  nonce: string | null;
  /** The session the grant came from (src/oidc/session-sid.ts); null for a grant older than the claim. */
  sid: string | null;
  /** The user's groups, for the `groups` scope. */
  groups: readonly string[];
}

/** The claims the scopes grant (shared with userinfo, so the two never disagree). */
export function scopedClaims(user: User, scopes: ReadonlySet<string>, groups: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (scopes.has("email")) {
    claims.email = user.email;
    // Every address here was proven by a link or code sent to it (or set by an admin).
    claims.email_verified = true;
  }
  if (scopes.has("profile")) claims.name = user.name || user.email;
  if (scopes.has("groups")) claims.groups = [...groups];
  return claims;
}

export async function signIdToken(config: Config, input: IdTokenInput, nowMs = Date.now()): Promise<string> {
  // biome-ignore lint/style/noNonNullAssertion: the routes exist only when config.oidc is set
  const keys = config.oidc!.signingKeys;
  // A client registered for ES256 while an ES256 key existed: without one now, RS256 is the only honest answer.
  const key = signerFor(keys, input.client.idTokenAlg) ?? signerFor(keys, "RS256");
  if (!key) throw new TypeError("OIDC_SIGNING_KEYS has no RS256 key");
  const iat = Math.floor(nowMs / 1000);
  const claims: Record<string, unknown> = {
    ...scopedClaims(input.user, input.scopes, input.groups),
    auth_time: input.authTime,
    amr: [input.amr],
  };
  if (input.nonce !== null) claims.nonce = input.nonce;
  if (input.sid !== null) claims.sid = input.sid;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .setIssuer(config.publicUrl.origin)
    .setSubject(input.user.id)
    .setAudience(input.client.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ID_TOKEN_SECONDS)
    .sign(await importOidcSigningKey(key));
}
