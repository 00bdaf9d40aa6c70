/**
 * Fault injection for tests (the reliability suite, and the gate's fail-closed checks): wrappers around the real
 * local D1 and KV bindings that fail on demand, handed to the worker's own default export
 * in place of the real bindings (`worker.fetch(request, { ...env, DB: failing }, ctx)`).
 * The product has no switch for this; nothing here ships.
 *
 * Failures look like the real ones: D1 throws `D1_ERROR: Network connection lost.` (what
 * the binding throws when the database cannot be reached), KV throws from get/put/delete.
 */

/** Which D1 statements fail: none, all of them, or only those that write. */
export type D1FaultMode = "none" | "all" | "writes" | ((sql: string) => boolean);

export interface FailingD1 {
  binding: D1Database;
  /** Changes what fails from now on (a test turns the fault on, then off to model recovery). */
  setMode(mode: D1FaultMode): void;
  /** Statements refused since the start (SQL text, for assertions and failure messages). */
  refused: string[];
}

/** What the D1 binding throws when it cannot reach the database. */
export const D1_UNAVAILABLE_MESSAGE = "D1_ERROR: Network connection lost.";

const WRITE_SQL = /^\s*(insert|update|delete|replace|create|drop|alter)\b/i;
const STATEMENT_METHODS = new Set(["run", "all", "first", "raw"]);

/** A D1 binding that behaves like `real` except for the statements `mode` says must fail. */
export function failingD1(real: D1Database, initial: D1FaultMode = "all"): FailingD1 {
  let mode = initial;
  const refused: string[] = [];
  const fails = (sql: string) => (mode === "all" ? true : mode === "none" ? false : mode === "writes" ? WRITE_SQL.test(sql) : mode(sql));
  const refuse = (sql: string) => {
    refused.push(sql);
    return new Error(D1_UNAVAILABLE_MESSAGE);
  };

  // The real batch gets the real statements back (it may read their internals).
  const unwrapped = new WeakMap<object, D1PreparedStatement>();
  const sqlOf = new WeakMap<object, string>();
  const wrapStatement = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const wrapped = new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property === "bind") return (...args: unknown[]) => wrapStatement(value.apply(target, args), sql);
        if (typeof property === "string" && STATEMENT_METHODS.has(property)) {
          return async (...args: unknown[]) => {
            if (fails(sql)) throw refuse(sql);
            return value.apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    unwrapped.set(wrapped, statement);
    sqlOf.set(wrapped, sql);
    return wrapped;
  };

  const binding = new Proxy(real, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (property === "prepare") {
        return (sql: string) => wrapStatement(value.call(target, sql) as D1PreparedStatement, sql);
      }
      if (property === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          // D1 runs a batch as one transaction: one failing statement fails all of it.
          const failing = statements.map((s) => sqlOf.get(s) ?? "").find(fails);
          if (failing !== undefined) throw refuse(failing);
          return value.call(
            target,
            statements.map((s) => unwrapped.get(s) ?? s),
          );
        };
      }
      if (property === "exec") {
        return async (sql: string) => {
          if (fails(sql)) throw refuse(sql);
          return value.call(target, sql);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    binding,
    setMode: (next) => {
      mode = next;
    },
    refused,
  };
}

export interface FailingKv {
  binding: KVNamespace;
  setFailing(failing: boolean): void;
  /** How many operations were refused. */
  refusedCount(): number;
}

/** A KV namespace that throws from every operation while failing, like a KV outage. */
export function failingKv(real: KVNamespace, initiallyFailing = true): FailingKv {
  let failing = initiallyFailing;
  let refused = 0;
  const binding = new Proxy(real, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        if (failing) {
          refused += 1;
          throw new Error(`KV ${String(property)} failed: 503 Service Unavailable`);
        }
        return value.apply(target, args);
      };
    },
  });
  return {
    binding,
    setFailing: (next) => {
      failing = next;
    },
    refusedCount: () => refused,
  };
}
