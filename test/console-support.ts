/**
 * Helpers for the admin console tests: admins and non-admins with real sessions (the
 * session parts the sign-in routes use), console pages fetched and forms posted through the
 * worker's own fetch, as a browser on the auth host would.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { User } from "../src/db/schema";
import { addMember, createGroup } from "../src/groups/store";
import { createUser } from "../src/users/store";
import { cookieFrom, deps } from "./gate-support";
import { type Fetcher, getPage, postForm, uniqueEmail, worker } from "./login-helpers";
import { createSession } from "./support/sessions";

export const CONSOLE = "/.sesame/admin";

/** The test set-up's ADMIN_GROUP (the default). */
export const ADMIN_GROUP = "admins";

/** A user row; `createdAt` lets a test give it a session that began in the past. */
export async function newUser(label = "user", createdAt = Date.now()): Promise<User> {
  const user = await createUser(deps().db, { email: uniqueEmail(label) }, createdAt);
  if (!user) throw new Error("could not create a user");
  return user;
}

export async function makeAdmin(user: User): Promise<void> {
  await createGroup(deps().db, ADMIN_GROUP);
  await addMember(deps().db, ADMIN_GROUP, user.id);
}

/** A session cookie for `user`, signed in `ageMs` ago (default: just now). */
export async function sessionFor(user: User, options: { ageMs?: number; amr?: "link" | "code" } = {}) {
  const now = Date.now() - (options.ageMs ?? 0);
  const { sessionId, setCookie } = await createSession(
    { ...deps(), now },
    { user, amr: options.amr ?? "link", request: new Request("http://localhost:8787/") },
  );
  return { sessionId, cookie: cookieFrom(setCookie) };
}

/** A fresh admin with a fresh session. */
export async function signedInAdmin(options: { ageMs?: number } = {}): Promise<{ user: User; cookie: string; sessionId: string }> {
  const user = await newUser("admin", Date.now() - (options.ageMs ?? 0) - 1000);
  await makeAdmin(user);
  return { user, ...(await sessionFor(user, options)) };
}

export function consoleGet(path: string, cookie: string | null, fetcher: Fetcher = worker): Promise<Response> {
  return getPage(`${CONSOLE}${path}`, { cookie, fetcher });
}

/** A same-origin form POST to the console; `confirm` adds confirm=yes as the confirmation page does. */
export function consolePost(
  path: string,
  fields: Record<string, string>,
  cookie: string | null,
  options: { confirm?: boolean; headers?: Record<string, string>; fetcher?: Fetcher } = {},
): Promise<Response> {
  return postForm(`${CONSOLE}${path}`, options.confirm ? { ...fields, confirm: "yes" } : fields, {
    cookie,
    headers: options.headers,
    fetcher: options.fetcher,
  });
}

/** The page's HTML, after checking its status. */
export async function pageText(res: Response, status = 200): Promise<string> {
  const text = await res.text();
  expect(res.status, text.slice(0, 500)).toBe(status);
  return text;
}

/** The audit rows of `event` about `userId`, newest first, with their parsed detail. */
export async function auditRows(event: string, userId?: string): Promise<{ userId: string | null; detail: Record<string, unknown> }[]> {
  const query = userId
    ? env.DB.prepare("SELECT user_id, detail FROM auth_events WHERE event = ? AND user_id = ? ORDER BY id DESC").bind(event, userId)
    : env.DB.prepare("SELECT user_id, detail FROM auth_events WHERE event = ? ORDER BY id DESC").bind(event);
  const { results } = await query.all<{ user_id: string | null; detail: string | null }>();
  return results.map((row) => ({ userId: row.user_id, detail: row.detail ? JSON.parse(row.detail) : {} }));
}
