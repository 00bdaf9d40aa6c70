/**
 * The product worker (src/index.ts) for the gate benchmark, unchanged, with two things only
 * a benchmark needs (plain JS: it is never type-checked with the product, never deployed):
 *
 * - D1 and KV bindings wrapped to count what the gate does per request:
 *     GET  /__bench/counters        -> {d1Statements, kvReads}
 *     POST /__bench/counters/reset
 * - POST /__bench/session?user=<id>  -> {cookie}: a real session (createSession) for the
 *   user, so the bench needs no email round trip.
 * - With the binding BENCH_KV_IN_MEMORY=1, REVOKED is a Map inside the isolate instead of the
 *   local KV simulator: a diagnostic that shows how much of the gate's cost under wrangler is
 *   the simulator's (a KV read in production is a network call, not worker CPU).
 */

import { getConfig } from "../../src/config.ts";
import { createDb } from "../../src/db/client.ts";
import worker from "../../src/index.ts";
import { createSession } from "../../src/sessions/index.ts";
import { findUserById } from "../../src/users/store.ts";

const counters = { d1Statements: 0, kvReads: 0 };
/** One wrapped env per original env, so the worker's per-isolate config cache still hits. */
const wrappedEnvs = new WeakMap();

function counting(target, method, counter) {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property);
      if (typeof value !== "function") return value;
      if (property !== method) return value.bind(object);
      return (...args) => {
        counters[counter] += 1;
        return value.apply(object, args);
      };
    },
  });
}

/** The subset of KVNamespace the product uses, over a Map; expiry is ignored (a bench outlives no TTL). */
function inMemoryKv() {
  const values = new Map();
  return {
    get: async (key) => values.get(key) ?? null,
    put: async (key, value) => void values.set(key, String(value)),
    delete: async (key) => void values.delete(key),
  };
}

function wrap(env) {
  let wrapped = wrappedEnvs.get(env);
  if (!wrapped) {
    const kv = env.BENCH_KV_IN_MEMORY === "1" ? inMemoryKv() : env.REVOKED;
    wrapped = { ...env, DB: counting(env.DB, "prepare", "d1Statements"), REVOKED: counting(kv, "get", "kvReads") };
    wrappedEnvs.set(env, wrapped);
  }
  return wrapped;
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__bench/counters") return Response.json(counters);
    if (url.pathname === "/__bench/counters/reset" && request.method === "POST") {
      counters.d1Statements = 0;
      counters.kvReads = 0;
      return Response.json(counters);
    }
    if (url.pathname === "/__bench/session" && request.method === "POST") {
      const product = wrap(env);
      const deps = { config: getConfig(product), db: createDb(env.DB), kv: product.REVOKED };
      const user = await findUserById(deps.db, url.searchParams.get("user") ?? "");
      if (!user) return Response.json({ error: "no such user" }, { status: 404 });
      const { setCookie } = await createSession(deps, { user, amr: "link", request });
      return Response.json({ cookie: setCookie.split(";")[0] });
    }
    return worker.fetch(request, wrap(env), ctx);
  },
};
