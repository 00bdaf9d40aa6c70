/** User rows in D1. Every function takes the drizzle handle; none knows about HTTP. */
import { and, asc, eq, gt, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { type User, users } from "../db/schema";
import { encodeBase64url } from "../tokens";

export function newSecurityStamp(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
}

export async function findUserById(db: Database, id: string): Promise<User | null> {
  return (await userByIdQuery(db, id).get()) ?? null;
}

/** The query behind findUserById, for a caller's D1 batch (its rows: none or one). */
export function userByIdQuery(db: Database, id: string) {
  return db.select().from(users).where(eq(users.id, id)).limit(1);
}

/** `email` must already be normalised. */
export async function findUserByEmail(db: Database, email: string): Promise<User | null> {
  return (await userByEmailQuery(db, email).get()) ?? null;
}

/** The query behind findUserByEmail, for a caller's D1 batch (its rows: none or one). */
export function userByEmailQuery(db: Database, email: string) {
  return db.select().from(users).where(eq(users.email, email)).limit(1);
}

/** Inserts a user; returns null when the email is taken (the unique index decides, atomically). */
export async function createUser(
  db: Database,
  input: { email: string; name?: string; isActive?: boolean },
  now = Date.now(),
): Promise<User | null> {
  const row = await db
    .insert(users)
    .values({
      id: crypto.randomUUID(),
      email: input.email,
      name: input.name ?? "",
      isActive: input.isActive ?? true,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
      securityStamp: newSecurityStamp(),
      stateChangedAt: now,
    })
    .onConflictDoNothing({ target: users.email })
    .returning()
    .get();
  return row ?? null;
}

export interface UserPatch {
  email?: string;
  name?: string;
  isActive?: boolean;
}

/**
 * Updates a user. A deactivation replaces the security stamp, which kills every token of the
 * user. A new email kills tokens through the email they are signed over (when
 * INVALIDATE_ON_EMAIL_CHANGE is on; off, they survive, as in django-sesame); either change
 * moves stateChangedAt so the audit can say `revoked` rather than `bad_signature`.
 * Returns "conflict" when the new email belongs to someone else.
 */
export async function updateUser(db: Database, id: string, patch: UserPatch, now = Date.now()): Promise<User | null | "conflict"> {
  const current = await findUserById(db, id);
  if (!current) return null;
  const emailChanged = patch.email !== undefined && patch.email !== current.email;
  const deactivated = patch.isActive === false && current.isActive;
  try {
    const row = await db
      .update(users)
      .set({
        ...(patch.email !== undefined && { email: patch.email }),
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.isActive !== undefined && { isActive: patch.isActive }),
        updatedAt: now,
        ...(deactivated && { securityStamp: newSecurityStamp() }),
        ...((emailChanged || deactivated) && { stateChangedAt: nextStateChange(now) }),
      })
      .where(eq(users.id, id))
      .returning()
      .get();
    return row ?? null;
  } catch (error) {
    if (isUniqueViolation(error)) return "conflict";
    throw error;
  }
}

/** drizzle wraps D1's "UNIQUE constraint failed" in a DrizzleQueryError: look down the cause chain. */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (String(e).includes("UNIQUE constraint failed")) return true;
  }
  return false;
}

/** "Revoke all": a new security stamp kills every outstanding token of the user. */
export async function rotateSecurityStamp(db: Database, id: string, now = Date.now()): Promise<void> {
  await db
    .update(users)
    .set({ securityStamp: newSecurityStamp(), stateChangedAt: nextStateChange(now), updatedAt: now })
    .where(eq(users.id, id))
    .run();
}

/**
 * The new `state_changed_at` of a security change: `now`, but always after the previous
 * change and after the last sign-in. A session whose row was written before the change
 * began no later than that sign-in's marker, so it compares as older and is refused at
 * its next re-check, whatever clock the two requests read (docs/security.md, "Sessions").
 */
function nextStateChange(now: number): SQL {
  return sql`MAX(${now}, ${users.stateChangedAt} + 1, COALESCE(${users.lastLoginAt}, 0) + 1)`;
}

export async function deleteUser(db: Database, id: string): Promise<boolean> {
  const rows = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
  return rows.length > 0;
}

/** Keyset pagination by email: stable under inserts, no OFFSET scans. */
export async function listUsers(db: Database, options: { emailPrefix?: string; after?: string; limit: number }): Promise<User[]> {
  const conditions = [];
  if (options.emailPrefix) {
    const escaped = options.emailPrefix.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    conditions.push(sql`${users.email} LIKE ${`${escaped}%`} ESCAPE '\\'`);
  }
  if (options.after) conditions.push(gt(users.email, options.after));
  return db
    .select()
    .from(users)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(users.email))
    .limit(options.limit)
    .all();
}
