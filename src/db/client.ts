import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = ReturnType<typeof buildDb>;

function buildDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

/**
 * One drizzle handle per D1 binding for the isolate's life. Building one walks the whole
 * schema (its relational config), which cost more than the rest of a gated request's
 * database-free work; the handle holds no per-request state, so it is shared
 * (docs/benchmarks.md).
 */
const handles = new WeakMap<D1Database, Database>();

export function createDb(d1: D1Database): Database {
  let db = handles.get(d1);
  if (!db) {
    db = buildDb(d1);
    handles.set(d1, db);
  }
  return db;
}
