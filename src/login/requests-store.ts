/**
 * Login requests in D1 (`login_requests`): one row per emailed link + code. Every state
 * change is one conditional statement (or one D1 batch, which is a transaction), never a
 * read-then-write, so concurrent redemptions and guesses are decided by the database.
 */
import { and, desc, eq, gt, isNull, lt, lte, or, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type LoginRequest, loginRequests } from "../db/schema";

/** The insert of a new request, for a caller's D1 batch (POST /login writes it with its audit row). */
export function insertLoginRequestStatement(db: Database, row: LoginRequest) {
  return db.insert(loginRequests).values(row);
}

/** Removes a request whose email never left (the provider refused it): its code must not be guessable. */
export async function deleteLoginRequest(db: Database, id: string): Promise<void> {
  await db.delete(loginRequests).where(eq(loginRequests.id, id)).run();
}

export async function findLoginRequest(db: Database, id: string): Promise<LoginRequest | null> {
  return (await db.select().from(loginRequests).where(eq(loginRequests.id, id)).get()) ?? null;
}

/** The request whose emailed link has this token hash (null for links the admin API issued). */
export async function findLoginRequestByLinkHash(db: Database, linkHash: string): Promise<LoginRequest | null> {
  return (await loginRequestByLinkHashQuery(db, linkHash).get()) ?? null;
}

/** The query behind findLoginRequestByLinkHash, for a caller's D1 batch (its rows: none or one). */
export function loginRequestByLinkHashQuery(db: Database, linkHash: string) {
  return db.select().from(loginRequests).where(eq(loginRequests.linkHash, linkHash)).limit(1);
}

/**
 * Takes one code attempt on the newest live request for `email` (not consumed, not
 * expired, fewer than `maxAttempts` attempts) and returns the row as it is afterwards, or
 * null when no such request exists. The attempt is counted BEFORE the code is compared:
 * of any number of concurrent guesses, at most `maxAttempts` ever reach the comparison.
 */
export async function takeCodeAttempt(db: Database, email: string, maxAttempts: number, now: number): Promise<LoginRequest | null> {
  const live = and(
    eq(loginRequests.email, email),
    isNull(loginRequests.consumedAt),
    gt(loginRequests.expiresAt, now),
    lt(loginRequests.attempts, maxAttempts),
  );
  const newest = db
    .select({ id: loginRequests.id })
    .from(loginRequests)
    .where(live)
    .orderBy(desc(loginRequests.createdAt), desc(sql`rowid`))
    .limit(1);
  const row = await db
    .update(loginRequests)
    .set({ attempts: sql`${loginRequests.attempts} + 1` })
    .where(and(eq(loginRequests.id, sql`(${newest})`), live))
    .returning()
    .get();
  return row ?? null;
}

/**
 * The statement that consumes one request, and marks it with `nonce` so the statements
 * batched after it can tell that this redemption is the one that won. `attempts` may equal
 * the maximum: the right code on the last allowed try counted that try already.
 */
export function consumeRequestStatement(db: Database, input: { id: string; nonce: string; now: number; maxAttempts?: number }) {
  return db
    .update(loginRequests)
    .set({ consumedAt: input.now, consumeNonce: input.nonce })
    .where(
      and(
        eq(loginRequests.id, input.id),
        isNull(loginRequests.consumedAt),
        gt(loginRequests.expiresAt, input.now),
        input.maxAttempts === undefined ? undefined : lte(loginRequests.attempts, input.maxAttempts),
      ),
    )
    .returning();
}

/**
 * The statement that ends every other pending request for the user or the address (their
 * codes and sign-up links die with this sign-in), guarded by `won`: an SQL condition true
 * only when the redemption batched before it succeeded.
 */
export function endPendingRequestsStatement(
  db: Database,
  input: { email: string; userId: string | null; now: number; won: ReturnType<typeof sql> },
) {
  const owner = input.userId
    ? or(eq(loginRequests.email, input.email), eq(loginRequests.userId, input.userId))
    : eq(loginRequests.email, input.email);
  return db
    .update(loginRequests)
    .set({ consumedAt: input.now })
    .where(and(owner, isNull(loginRequests.consumedAt), input.won));
}

/** SQL true when request `id` was consumed by the redemption holding `nonce`. */
export function wonByNonce(id: string, nonce: string) {
  return sql`EXISTS (SELECT 1 FROM ${loginRequests} WHERE ${loginRequests.id} = ${id} AND ${loginRequests.consumeNonce} = ${nonce})`;
}
