/**
 * Access and refresh tokens (docs/oidc.md, "Tokens"): opaque, 256 random bits, stored as
 * hashes only. Every token of one sign-in shares a grant id; revoking the grant revokes them
 * all. A refresh token is rotated by one conditional update: only the request that sets
 * `rotated_at` on a row where it was null gets new tokens.
 */
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import { type OidcToken, oidcTokens } from "../db/schema";
import { encodeBase64url, hashToken } from "../tokens";

/** An access token lives an hour: userinfo re-checks the user on every call, so longer would only widen a leak. */
export const ACCESS_TOKEN_SECONDS = 3600;
/** A refresh token unused this long dies; each refresh replaces it with one of a fresh 30 days. */
export const REFRESH_TOKEN_SECONDS = 30 * 86_400;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** What a token is for: the grant, client, user and the state it was issued under. */
export type GrantFacts = Pick<
  OidcToken,
  "grantId" | "clientId" | "userId" | "scope" | "securityStamp" | "authTime" | "amr" | "ip" | "country"
>;

function newToken(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The insert statements for a new access token and, when `withRefresh`, a refresh token; run them in one batch. */
export async function tokenRows(db: Database, grant: GrantFacts, withRefresh: boolean, now = Date.now()) {
  const accessToken = newToken();
  const refreshToken = withRefresh ? newToken() : null;
  const rows = [
    { ...grant, tokenHash: await hashToken(accessToken), kind: "access", createdAt: now, expiresAt: now + ACCESS_TOKEN_SECONDS * 1000 },
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
  | { ok: false; reason: "unknown" | "expired" | "revoked" }
  /** Presented again after it was rotated: within the grace, refused only; after it, the caller revokes the grant. */
  | { ok: false; reason: "reused"; token: OidcToken; withinGrace: boolean };

/** Marks refresh token `token` rotated, once; the row if this call won. */
export async function rotateRefreshToken(db: Database, token: string, graceSeconds: number, now = Date.now()): Promise<Rotation> {
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
  return { ok: false, reason: "expired" };
}

/** Revokes every token of the grant (a replayed code, a reused refresh token, logout). */
export async function revokeGrant(db: Database, grantId: string, now = Date.now()): Promise<number> {
  const result = await db
    .update(oidcTokens)
    .set({ revokedAt: now })
    .where(and(eq(oidcTokens.grantId, grantId), isNull(oidcTokens.revokedAt)))
    .run();
  return result.meta.changes ?? 0;
}
