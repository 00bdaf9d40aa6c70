/**
 * A real D1 binding that counts what reaches the database: round trips (each statement run on
 * its own, and each `batch()` as one, however many statements it holds: D1 runs a batch in one
 * call) and statements (every statement executed, batched or not). Sign-in's round-trip budget
 * (docs/benchmarks.md, "The login path") is pinned with it, and `npm run bench -- login`
 * reports with it (bench/workers/login-bench.js).
 */

const STATEMENT_RUNS = new Set<PropertyKey>(["run", "all", "first", "raw"]);

export interface D1Counts {
  roundTrips: number;
  statements: number;
}

export interface CountingD1 {
  binding: D1Database;
  counts(): D1Counts;
  /** What each round trip ran since the last reset (its SQL; a batch's joined by " ; "): for failure messages. */
  trips(): string[];
  reset(): void;
}

export function countingD1RoundTrips(real: D1Database): CountingD1 {
  const counts: D1Counts = { roundTrips: 0, statements: 0 };
  const trips: string[] = [];
  const sqlOf = new WeakMap<object, string>();
  // The real batch gets the real statements back.
  const unwrapped = new WeakMap<object, D1PreparedStatement>();
  const wrap = (statement: D1PreparedStatement, sql: string): D1PreparedStatement => {
    const wrapped = new Proxy(statement, {
      get(target, property) {
        const value = Reflect.get(target, property, target);
        if (property === "bind") return (...args: unknown[]) => wrap(value.apply(target, args), sql);
        if (STATEMENT_RUNS.has(property)) {
          return (...args: unknown[]) => {
            counts.roundTrips += 1;
            counts.statements += 1;
            trips.push(sql);
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
      if (property === "prepare") return (sql: string) => wrap(value.call(target, sql) as D1PreparedStatement, sql);
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) => {
          counts.roundTrips += 1;
          counts.statements += statements.length;
          trips.push(statements.map((s) => sqlOf.get(s) ?? "?").join(" ; "));
          return value.call(
            target,
            statements.map((s) => unwrapped.get(s) ?? s),
          );
        };
      }
      if (property === "exec") {
        return (sql: string) => {
          counts.roundTrips += 1;
          counts.statements += 1;
          trips.push(sql);
          return value.call(target, sql);
        };
      }
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    binding,
    counts: () => ({ ...counts }),
    trips: () => [...trips],
    reset: () => {
      counts.roundTrips = 0;
      counts.statements = 0;
      trips.length = 0;
    },
  };
}
