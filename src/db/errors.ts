/**
 * Telling "D1 could not be reached" apart from "our SQL is wrong". The first is an outage the
 * client should retry after (503); the second is a bug (500). D1's binding throws errors
 * whose message starts with `D1_` or names `D1 DB` ("D1_ERROR: Network connection lost.",
 * "D1 DB is overloaded. Requests queued for too long.", "D1 DB storage operation exceeded
 * timeout which caused object to be reset."); SQL failures carry SQLite's result code
 * ("D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT"), and type errors
 * name themselves (D1_TYPE_ERROR, D1_COLUMN_NOTFOUND). drizzle wraps each in a
 * DrizzleQueryError ("Failed query: ...") whose `cause` is D1's error.
 */

/** How far down a `cause` chain to look (drizzle adds one level). */
const MAX_CAUSE_DEPTH = 5;
const D1_ERROR = /^D1_[A-Z_]*ERROR\b|\bD1 DB\b/;
const NOT_AN_OUTAGE = /\bSQLITE_[A-Z_]+\b|\bD1_(TYPE_ERROR|COLUMN_NOTFOUND|SENTENCE_ERROR)\b/;

/** D1's own error for an unreachable or overloaded database, or null: searched down the cause chain. */
export function d1OutageOf(error: unknown): Error | null {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth++) {
    if (D1_ERROR.test(current.message)) return NOT_AN_OUTAGE.test(current.message) ? null : current;
    current = current.cause;
  }
  return null;
}

/**
 * An error as a log line may hold it: name and message, and for drizzle's wrapper
 * ("Failed query: <sql>\nparams: <values>") the wrapped error's instead, since the
 * parameters are emails, session ids and token hashes. Never a stack trace.
 */
export function describeError(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current instanceof Error; depth++) {
    if (!current.message.startsWith("Failed query:")) return `${current.name}: ${current.message}`;
    current = current.cause;
  }
  return current instanceof Error || current === undefined ? "query failed (parameters withheld)" : String(current);
}
