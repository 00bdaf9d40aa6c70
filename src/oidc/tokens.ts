/**
 * Access and refresh tokens (docs/oidc.md, "Tokens"): opaque, 256 random bits, stored as
 * hashes only. Every token of one sign-in shares a grant id; revoking the grant revokes them
 * all. A refresh token is rotated by one conditional update: only the request that sets
 * `rotated_at` on a row where it was null gets new tokens.
 */
import { and, eq, exists, gt, isNotNull, isNull, or, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Database } from "../db/client";
import { type OidcToken, oidcCodes, oidcTokens } from "../db/schema";
import { encodeBase64url, hashToken } from "../tokens";

/** An access token lives an hour: userinfo re-checks the user on every call, so longer would only widen a leak. */
export const ACCESS_TOKEN_SECONDS = 3600;
/** A refresh token unused this long dies; each refresh replaces it with one of a fresh 30 days. */
export const REFRESH_TOKEN_SECONDS = 30 * 86_400;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** What a token is for: the grant, client, user and the state it was issued under. */
export type GrantFacts = Pick<
  OidcToken,
  "grantId" | "clientId" | "userId" | "scope" | "securityStamp" | "authTime" | "amr" | "ip" | "country" | "sid"
>;

function newToken(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The insert statement for a new access token of `accessScope` (the grant's scope, or a narrower
 * one a refresh asked for: RFC 6749 section 6) and, when `withRefresh`, a refresh token of the
 * grant's own scope. Run it in one batch with `revokeIfGrantRevoked`.
 */
export async function tokenRows(db: Database, grant: GrantFacts, options: { accessScope: string; withRefresh: boolean }, now = Date.now()) {
  const accessToken = newToken();
  const refreshToken = options.withRefresh ? newToken() : null;
  const rows = [
    {
      ...grant,
      scope: options.accessScope,
      tokenHash: await hashToken(accessToken),
      kind: "access",
      createdAt: now,
      expiresAt: now + ACCESS_TOKEN_SECONDS * 1000,
    },
  ];
  if (refreshToken) {
    rows.push({
      ...grant,
      tokenHash: await hashToken(refreshToken),
      kind: "refresh",
      createdAt: now,
      expiresAt: now + REFRESH_TOKEN_SECONDS * 1000,
    });
  }
  return { accessToken, refreshToken, insert: db.insert(oidcTokens).values(rows) };
}

const revokedToken = alias(oidcTokens, "revoked_token");

/**
 * Run in the same batch right after a grant's token insert: revokes the new rows at once when
 * the grant was revoked before they landed, by a replay of its code (which marks the code row,
 * as no token of the grant existed yet) or by a revocation of its tokens (every token of a
 * grant is revoked together, so one revoked row means the grant is). Returns the rows it
 * revoked: none on the happy path, at no extra round trip.
 */
export function revokeIfGrantRevoked(db: Database, grantId: string, now = Date.now()) {
  const grantRevoked = or(
    exists(
      db
        .select({ one: sql`1` })
        .from(revokedToken)
        .where(and(eq(revokedToken.grantId, grantId), isNotNull(revokedToken.revokedAt))),
    ),
    exists(
      db
        .select({ one: sql`1` })
        .from(oidcCodes)
        .where(and(eq(oidcCodes.grantId, grantId), isNotNull(oidcCodes.revokedAt))),
    ),
  );
  return db
    .update(oidcTokens)
    .set({ revokedAt: now })
    .where(and(eq(oidcTokens.grantId, grantId), isNull(oidcTokens.revokedAt), grantRevoked))
    .returning({ tokenHash: oidcTokens.tokenHash });
}

/** A live token of `kind` (not expired, not revoked, not yet rotated), or null. */
export async function findLiveToken(db: Database, token: string, kind: "access" | "refresh", now = Date.now()): Promise<OidcToken | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const row = await db
    .select()
    .from(oidcTokens)
    .where(and(eq(oidcTokens.tokenHash, await hashToken(token)), eq(oidcTokens.kind, kind)))
    .get();
  if (!row || row.revokedAt !== null || row.rotatedAt !== null || row.expiresAt <= now) return null;
  return row;
}

export type Rotation =
  | { ok: true; token: OidcToken }
  | { ok: false; reason: "unknown" | "expired" | "revoked" | "scope" }
  /** Presented by a client it was not issued to: the caller revokes the grant. */
  | { ok: false; reason: "other_client"; token: OidcToken }
  /** Presented again after it was rotated: within the grace, refused only; after it, the caller revokes the grant. */
  | { ok: false; reason: "reused"; token: OidcToken; withinGrace: boolean };

/** SQL true when the space-separated scope column holds `scope` (a known scope: letters and `_` only). */
function scopeHas(scope: string): SQL {
  return sql`instr(' ' || ${oidcTokens.scope} || ' ', ${` ${scope} `}) > 0`;
}

/**
 * Marks refresh token `token` rotated, once, if it was issued to `clientId` and its grant holds
 * every scope of `scopes` (known scope names, so at most five conditions): the row if this call
 * won. The request is checked in the same conditional update, so a refused one (another client,
 * a scope the grant lacks) never burns the token. `scopes` null: the request's scope is refused
 * already, so the token is only classified, never rotated.
 */
export async function rotateRefreshToken(
  db: Database,
  token: string,
  request: { clientId: string; scopes: readonly string[] | null },
  graceSeconds: number,
  now = Date.now(),
): Promise<Rotation> {
  if (!TOKEN_SHAPE.test(token)) return { ok: false, reason: "unknown" };
  const tokenHash = await hashToken(token);
  const won = await db
    .update(oidcTokens)
    .set({ rotatedAt: now })
    .where(
      and(
        eq(oidcTokens.tokenHash, tokenHash),
        eq(oidcTokens.kind, "refresh"),
        isNull(oidcTokens.rotatedAt),
        isNull(oidcTokens.revokedAt),
        gt(oidcTokens.expiresAt, now),
        eq(oidcTokens.clientId, request.clientId),
        ...(request.scopes === null ? [sql`0`] : request.scopes.map(scopeHas)),
      ),
    )
    .returning()
    .get();
  if (won) return { ok: true, token: won };
  const row = await db
    .select()
    .from(oidcTokens)
    .where(and(eq(oidcTokens.tokenHash, tokenHash), eq(oidcTokens.kind, "refresh")))
    .get();
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revokedAt !== null) return { ok: false, reason: "revoked" };
  if (row.rotatedAt !== null) return { ok: false, reason: "reused", token: row, withinGrace: now - row.rotatedAt <= graceSeconds * 1000 };
  if (row.expiresAt <= now) return { ok: false, reason: "expired" };
  if (row.clientId !== request.clientId) return { ok: false, reason: "other_client", token: row };
  return { ok: false, reason: "scope" };
}

function revokeGrantTokens(db: Database, grantId: string, now: number) {
  return db
    .update(oidcTokens)
    .set({ revokedAt: now })
    .where(and(eq(oidcTokens.grantId, grantId), isNull(oidcTokens.revokedAt)));
}

/** Revokes every token of the grant (a reused refresh token, another client's refresh, a refused user). */
export async function revokeGrant(db: Database, grantId: string, now = Date.now()): Promise<number> {
  const result = await revokeGrantTokens(db, grantId, now).run();
  return result.meta.changes ?? 0;
}

/**
 * Revokes the grant of a replayed code (RFC 6749 section 4.1.2): every token it issued, and the
 * code row itself, so that tokens the first exchange inserts after this revoke themselves
 * (`revokeIfGrantRevoked`). Returns how many tokens were revoked now.
 */
export async function revokeCodeGrant(db: Database, grantId: string, now = Date.now()): Promise<number> {
  const [, tokens] = await db.batch([
    db
      .update(oidcCodes)
      .set({ revokedAt: now })
      .where(and(eq(oidcCodes.grantId, grantId), isNull(oidcCodes.revokedAt))),
    revokeGrantTokens(db, grantId, now),
  ]);
  return tokens.meta.changes ?? 0;
}
