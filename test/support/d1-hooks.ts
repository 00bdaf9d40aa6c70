/**
 * A real local D1 binding with a hook that runs before each `batch()` (or each that `when`
 * picks) reaches the database:
 * lets a test put something exactly between a redemption's check and its consuming batch
 * (an admin email change, "sign out everywhere"), or hold every redemption at that point
 * until all have checked. Statements are the real ones; only the moment changes.
 */
export function d1WithBatchHook(
  real: D1Database,
  beforeBatch: () => Promise<void>,
  options: { when?: (sql: readonly string[]) => boolean } = {},
): D1Database {
  // The SQL of each statement, so `when` can pick the batch (the check's own reads are batched too).
  const sqlOf = new WeakMap<D1PreparedStatement, string>();
  const remembered = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
    sqlOf.set(statement, sql);
    const bind = statement.bind.bind(statement);
    statement.bind = (...args: unknown[]) => remembered(bind(...args), sql);
    return statement;
  };
  return new Proxy(real, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === "prepare") return (sql: string) => remembered(value.call(target, sql), sql);
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          if (!options.when || options.when(statements.map((statement) => sqlOf.get(statement) ?? ""))) await beforeBatch();
          return value.call(target, statements);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** For `when`: the batch that writes a session, i.e. the one that consumes a sign-in (src/login/redeem.ts). */
export const writesSession = (sql: readonly string[]): boolean => sql.some((text) => /^insert into "sessions"/i.test(text));

/** Resolves for everyone once `parties` callers are waiting. */
export function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release!: () => void;
  const open = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    arrived += 1;
    if (arrived >= parties) release();
    return open;
  };
}

/** A hook that runs `action` before the first batch only. */
export function once(action: () => Promise<void>): () => Promise<void> {
  let done = false;
  return async () => {
    if (done) return;
    done = true;
    await action();
  };
}

/**
 * A real local D1 binding that runs `beforeStatement` before executing any statement whose
 * SQL `matches`, run alone or in a batch (then before the whole batch): places a concurrent
 * request exactly between two steps of another.
 */
export function d1WithStatementHook(real: D1Database, matches: (sql: string) => boolean, beforeStatement: () => Promise<void>): D1Database {
  const sqlOf = new WeakMap<D1PreparedStatement, string>();
  const hooked = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property === "bind") return (...args: unknown[]) => hooked(value.apply(target, args), sql);
        if (typeof property === "string" && ["run", "all", "first", "raw"].includes(property) && matches(sql)) {
          return async (...args: unknown[]) => {
            await beforeStatement();
            return value.apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    sqlOf.set(proxy, sql);
    return proxy;
  };
  return new Proxy(real, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === "prepare") return (sql: string) => hooked(value.call(target, sql), sql);
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          if (statements.some((statement) => matches(sqlOf.get(statement) ?? ""))) await beforeStatement();
          return value.call(target, statements);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
