/**
 * Groups and memberships in D1 (docs/access.md, "Groups"). Every function takes the drizzle
 * handle; none knows about HTTP. Listings are paged by name (groups) or email (members) with
 * an exclusive `after` cursor, like the user listing.
 */
import { and, asc, count, eq, gt, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { groupMembers, groups, users } from "../db/schema";

export interface GroupRow {
  name: string;
  members: number;
  createdAt: number;
}

export interface MemberRow {
  id: string;
  email: string;
}

/** Groups by name after `after`, each with its member count. */
export async function listGroups(db: Database, input: { after?: string; limit: number }): Promise<GroupRow[]> {
  return db
    .select({ name: groups.name, createdAt: groups.createdAt, members: count(groupMembers.userId) })
    .from(groups)
    .leftJoin(groupMembers, eq(groupMembers.groupName, groups.name))
    .where(input.after ? gt(groups.name, input.after) : undefined)
    .groupBy(groups.name)
    .orderBy(asc(groups.name))
    .limit(input.limit)
    .all();
}

export async function findGroup(db: Database, name: string): Promise<GroupRow | null> {
  const row = await db
    .select({ name: groups.name, createdAt: groups.createdAt, members: count(groupMembers.userId) })
    .from(groups)
    .leftJoin(groupMembers, eq(groupMembers.groupName, groups.name))
    .where(eq(groups.name, name))
    .groupBy(groups.name)
    .get();
  return row ?? null;
}

/** Creates a group; null when the name is taken (the primary key decides, atomically). */
export async function createGroup(db: Database, name: string, now = Date.now()): Promise<GroupRow | null> {
  const row = await db.insert(groups).values({ name, createdAt: now }).onConflictDoNothing().returning().get();
  return row ? { name: row.name, createdAt: row.createdAt, members: 0 } : null;
}

/**
 * Deletes a group and its memberships in one batch (the foreign key cascades too; the
 * explicit delete keeps the promise even where foreign keys are off). False if it did not exist.
 */
export async function deleteGroup(db: Database, name: string): Promise<boolean> {
  const [, deleted] = await db.batch([
    db.delete(groupMembers).where(eq(groupMembers.groupName, name)),
    db.delete(groups).where(eq(groups.name, name)).returning({ name: groups.name }),
  ]);
  return deleted.length > 0;
}

/** Members of a group by email after `after`. */
export async function listMembers(db: Database, name: string, input: { after?: string; limit: number }): Promise<MemberRow[]> {
  return db
    .select({ id: users.id, email: users.email })
    .from(groupMembers)
    .innerJoin(users, eq(users.id, groupMembers.userId))
    .where(and(eq(groupMembers.groupName, name), input.after ? gt(users.email, input.after) : undefined))
    .orderBy(asc(users.email))
    .limit(input.limit)
    .all();
}

/** Adds a member; "exists" when the user already was one. */
export async function addMember(db: Database, name: string, userId: string, now = Date.now()): Promise<"added" | "exists"> {
  const row = await db
    .insert(groupMembers)
    .values({ groupName: name, userId, createdAt: now })
    .onConflictDoNothing()
    .returning({ userId: groupMembers.userId })
    .get();
  return row ? "added" : "exists";
}

/** Removes a member; false when the user was not one. */
export async function removeMember(db: Database, name: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupName, name), eq(groupMembers.userId, userId)))
    .returning({ userId: groupMembers.userId })
    .all();
  return rows.length > 0;
}

/** Every group of a user, by name. */
export async function groupsOfUser(db: Database, userId: string): Promise<string[]> {
  const rows = await db
    .select({ name: groupMembers.groupName })
    .from(groupMembers)
    .where(eq(groupMembers.userId, userId))
    .orderBy(asc(groupMembers.groupName))
    .all();
  return rows.map((row) => row.name);
}

/** The user's groups among `names` (one query, however many names). */
export async function groupsOfUserAmong(db: Database, userId: string, names: readonly string[]): Promise<string[]> {
  return groupNamesAmong(await groupsOfUserAmongQuery(db, userId, names).all(), names);
}

/**
 * The query behind groupsOfUserAmong, for a caller's D1 batch (sign-in reads a new session's
 * groups in the batch that writes it); groupNamesAmong turns its rows into the names.
 */
export function groupsOfUserAmongQuery(db: Database, userId: string, names: readonly string[]) {
  // D1 binds at most 100 parameters: past that, every group of the user, filtered by groupNamesAmong.
  const which =
    names.length === 0
      ? sql`0`
      : names.length > 90
        ? eq(groupMembers.userId, userId)
        : and(eq(groupMembers.userId, userId), inArray(groupMembers.groupName, [...names]));
  return db.select({ name: groupMembers.groupName }).from(groupMembers).where(which).orderBy(asc(groupMembers.groupName));
}

/** The names of groupsOfUserAmongQuery's rows that are among `names`, sorted. */
export function groupNamesAmong(rows: readonly { name: string }[], names: readonly string[]): string[] {
  const wanted = new Set(names);
  return rows.map((row) => row.name).filter((name) => wanted.has(name));
}
