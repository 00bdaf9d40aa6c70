import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { users } from "../src/db/schema";

describe("createDb", () => {
  it("hands out one drizzle handle per D1 binding, built once per isolate (docs/benchmarks.md)", async () => {
    const db = createDb(env.DB);
    expect(createDb(env.DB)).toBe(db);
    // A second binding (here a wrapper around the same database) gets a handle of its own, over itself.
    const calls: string[] = [];
    const wrapped = new Proxy(env.DB, {
      get(target, property) {
        const value = Reflect.get(target, property);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          calls.push(String(property));
          return value.apply(target, args);
        };
      },
    });
    const other = createDb(wrapped);
    expect(other).not.toBe(db);
    await other.select().from(users).limit(1);
    expect(calls).toContain("prepare");
  });
});
