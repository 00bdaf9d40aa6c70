/**
 * A session for a user the test already trusts, made from the same parts the sign-in
 * routes use (src/sessions: the row, its insert, the cookie), without a link or a code.
 */
import { sql } from "drizzle-orm";
import type { User } from "../../src/db/schema";
import { insertSessionIf, issueSessionCookie, newSessionRow, type SessionDeps, sessionStartStatements } from "../../src/sessions";

export async function createSession(
  deps: SessionDeps,
  input: { user: Pick<User, "id" | "email"> & Partial<User>; amr: "link" | "code"; request: Request },
): Promise<{ sessionId: string; setCookie: string }> {
  const row = newSessionRow(deps, { userId: input.user.id, amr: input.amr, request: input.request }, deps.now ?? Date.now());
  const [written, groupRows] = await deps.db.batch([insertSessionIf(deps.db, row, sql`1`), ...sessionStartStatements(deps, row)]);
  if (written.length !== 1) throw new Error("the session row was not written");
  return issueSessionCookie(deps, row, input.user.email, groupRows);
}
