/**
 * The groups a session carries in its cookie (docs/access.md, "Groups"): only those that some
 * policy names, plus ADMIN_GROUP, read from D1 when the session starts and at each
 * revalidation, and for service tokens and share links when they are verified against D1.
 * So a membership change reaches every credential within SESSION_REVALIDATE.
 */
import type { AccessRegistry } from "../access";
import type { Database } from "../db/client";
import { AppError } from "../errors";
import { groupNamesAmong, groupsOfUserAmongQuery } from "./store";

/**
 * At most this many bytes of group names (as a JSON array) in a session cookie: with the other
 * claims and base64url, the cookie stays well inside the 4 KB browsers keep per cookie.
 */
export const MAX_SESSION_GROUPS_BYTES = 2048;

/** The user is in more policy-named groups than a cookie can hold: a clear page, never a loop. */
export class TooManyGroupsError extends AppError {
  override name = "TooManyGroupsError";
  constructor() {
    super(
      "too_many_groups",
      403,
      "Your account belongs to more groups used by this site's access rules than a sign-in can carry. Ask an administrator to remove you from groups you no longer need, then sign in again.",
    );
  }
}

/** The group names worth carrying: every group a policy names, and ADMIN_GROUP. */
export function carriedGroupNames(config: { access: AccessRegistry; adminGroup: string }): string[] {
  return [...new Set([...config.access.policyGroups, config.adminGroup])];
}

/** The user's carried groups, sorted; throws TooManyGroupsError past MAX_SESSION_GROUPS_BYTES. */
export async function sessionGroupsFor(
  db: Database,
  config: { access: AccessRegistry; adminGroup: string },
  userId: string,
): Promise<string[]> {
  return sessionGroupsOf(config, await sessionGroupsQuery(db, config, userId).all());
}

/** The query behind sessionGroupsFor, for the D1 batch that writes a new session (src/login/redeem.ts). */
export function sessionGroupsQuery(db: Database, config: { access: AccessRegistry; adminGroup: string }, userId: string) {
  return groupsOfUserAmongQuery(db, userId, carriedGroupNames(config));
}

/** sessionGroupsQuery's rows as the carried groups; throws TooManyGroupsError past MAX_SESSION_GROUPS_BYTES. */
export function sessionGroupsOf(config: { access: AccessRegistry; adminGroup: string }, rows: readonly { name: string }[]): string[] {
  const names = groupNamesAmong(rows, carriedGroupNames(config));
  if (new TextEncoder().encode(JSON.stringify(names)).length > MAX_SESSION_GROUPS_BYTES) throw new TooManyGroupsError();
  return names;
}
