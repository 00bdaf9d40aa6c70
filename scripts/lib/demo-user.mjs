/** The demo user every local run can sign in as. */
import { randomBytes, randomUUID } from "node:crypto";
import { executeLocalSql } from "./wrangler.mjs";

export const DEMO_EMAIL = "demo@example.com";
const DEMO_NAME = "Demo User";

/**
 * The INSERT that creates the demo user unless the address is taken. Rows match what
 * src/users/store.ts createUser writes: millisecond timestamps and a fresh 16-byte
 * base64url security stamp. Only generated values go into the SQL (no user input).
 */
function demoUserSql(now = Date.now()) {
  const stamp = randomBytes(16).toString("base64url");
  return (
    "INSERT INTO users (id, email, name, is_active, created_at, updated_at, last_login_at, security_stamp, state_changed_at) " +
    `VALUES ('${randomUUID()}', '${DEMO_EMAIL}', '${DEMO_NAME}', 1, ${now}, ${now}, NULL, '${stamp}', ${now}) ` +
    "ON CONFLICT(email) DO NOTHING"
  );
}

/** The INSERT that creates an empty group unless it exists (the name is a constant of ours). */
function groupSql(name, now = Date.now()) {
  return `INSERT INTO groups (name, created_at) VALUES ('${name}', ${now}) ON CONFLICT(name) DO NOTHING`;
}

/**
 * Seeds the demo user (and, with `group`, that empty group, so adding a member needs no
 * other step) straight into the local D1 database before the worker starts, so it works
 * whatever ADMIN_TOKEN says; idempotent, so a second run keeps the user, its sessions and
 * the group's members.
 */
export function seedDemoUser(root, { persistTo, group } = {}) {
  const statements = [demoUserSql(), ...(group ? [groupSql(group)] : [])];
  return executeLocalSql(root, statements.join("; "), { persistTo });
}
