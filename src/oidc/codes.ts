/**
 * Authorization codes (RFC 6749 section 4.1.2; docs/oidc.md, "Codes"): 256 random bits shown
 * once in the redirect; D1 keeps the hash. Exchanging a code is one conditional update
 * (`used_at` set only where it is still null), so two concurrent exchanges cannot both win.
 * A used row stays until it is swept, so a replay is recognised and what the first exchange
 * issued can be revoked.
 */
import { and, eq, isNull, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { type OidcCode, oidcCodes } from "../db/schema";
import { encodeBase64url, hashToken } from "../tokens";

/** Used and expired codes are kept this long past expiry, for replay detection, then swept. */
const KEEP_AFTER_EXPIRY_MS = 10 * 60 * 1000;
const CODE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type CodeBinding = Omit<OidcCode, "codeHash" | "grantId" | "expiresAt" | "usedAt" | "revokedAt">;

/** Stores a new code for `binding`, alive `ttlSeconds`; returns the code. Old rows are swept on the way. */
export async function issueCode(db: Database, binding: CodeBinding, ttlSeconds: number, now = Date.now()): Promise<string> {
  const code = encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
  await db.batch([
    db.delete(oidcCodes).where(lt(oidcCodes.expiresAt, now - KEEP_AFTER_EXPIRY_MS)),
    db.insert(oidcCodes).values({
      ...binding,
      codeHash: await hashToken(code),
      grantId: encodeBase64url(crypto.getRandomValues(new Uint8Array(16))),
      expiresAt: now + ttlSeconds * 1000,
    }),
  ]);
  return code;
}

export type CodeExchange =
  | { ok: true; code: OidcCode }
  | { ok: false; reason: "unknown" | "expired" }
  /** Already exchanged: the caller revokes the grant (RFC 6749 section 4.1.2). */
  | { ok: false; reason: "replayed"; grantId: string; clientId: string };

/** Marks `code` used, once: the row if this call won, else why not. */
export async function exchangeCode(db: Database, code: string, now = Date.now()): Promise<CodeExchange> {
  if (!CODE_SHAPE.test(code)) return { ok: false, reason: "unknown" };
  const codeHash = await hashToken(code);
  const won = await db
    .update(oidcCodes)
    .set({ usedAt: now })
    .where(and(eq(oidcCodes.codeHash, codeHash), isNull(oidcCodes.usedAt)))
    .returning()
    .get();
  if (won) return won.expiresAt <= now ? { ok: false, reason: "expired" } : { ok: true, code: won };
  const seen = await db.select().from(oidcCodes).where(eq(oidcCodes.codeHash, codeHash)).get();
  if (!seen) return { ok: false, reason: "unknown" };
  return { ok: false, reason: "replayed", grantId: seen.grantId, clientId: seen.clientId };
}
