/**
 * The product worker (src/index.ts), unchanged, for the login-path benchmark, plus what
 * only a benchmark needs (plain JS: never type-checked with the product, never deployed):
 *
 * - POST /__bench/users?n=N&prefix=P&links=1  -> {users: [{id, email, token?}]}
 *   creates N users (emails P-<i>@example.com) straight in D1 and, with links=1, mints one
 *   login token for each, exactly as POST /login would (issueToken, current secret). One
 *   token per user: redeeming a one-time link moves that user's login marker, which ends
 *   every other one-time link of the same user.
 * - POST /__bench/codes?n=N&prefix=P  -> {codes: [{email, code}]}: N users, each with one
 *   pending sign-in request holding a known code, written as POST /login writes it
 *   (generateCode, hashCode), with no attempt cookie bound.
 * - D1 and KV wrapped to count what each request does (D1 round trips and statements with
 *   the tests' own counter, test/support/d1-round-trips.ts; KV reads and writes):
 *   GET /__bench/counters, POST /__bench/counters/reset.
 */

import { issueToken } from "../../src/auth/token-service.ts";
import { getConfig } from "../../src/config.ts";
import { createDb } from "../../src/db/client.ts";
import { users } from "../../src/db/schema.ts";
import worker from "../../src/index.ts";
import { generateCode, hashCode } from "../../src/login/codes.ts";
import { insertLoginRequestStatement } from "../../src/login/requests-store.ts";
import { newSecurityStamp } from "../../src/users/store.ts";
import { countingD1RoundTrips } from "../../test/support/d1-round-trips.ts";

/** Users created per D1 batch (one round trip; D1 allows 100 bound values per statement, so one row each). */
const CHUNK = 100;

const counters = { kvReads: 0, kvWrites: 0 };
let d1 = null;
/** One wrapped env per original env, so the worker's per-isolate config cache still hits. */
const wrappedEnvs = new WeakMap();

function counting(target, counted) {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property);
      if (typeof value !== "function") return value;
      const counter = counted[property];
      if (!counter) return value.bind(object);
      return (...args) => {
        counters[counter] += 1;
        return value.apply(object, args);
      };
    },
  });
}

function wrap(env) {
  let wrapped = wrappedEnvs.get(env);
  if (!wrapped) {
    d1 = countingD1RoundTrips(env.DB);
    wrapped = {
      ...env,
      DB: d1.binding,
      REVOKED: counting(env.REVOKED, { get: "kvReads", put: "kvWrites" }),
    };
    wrappedEnvs.set(env, wrapped);
  }
  return wrapped;
}

async function createBenchUsers(env, url) {
  const n = Math.min(Number(url.searchParams.get("n") ?? "0"), 10_000);
  const prefix = url.searchParams.get("prefix") ?? "bench";
  const withLinks = url.searchParams.get("links") === "1";
  const deps = { config: getConfig(env), db: createDb(env.DB), kv: env.REVOKED };
  const created = [];
  const now = Date.now();
  for (let start = 0; start < n; start += CHUNK) {
    // The rows createUser would write (src/users/store.ts), many per statement.
    const rows = Array.from({ length: Math.min(CHUNK, n - start) }, (_, i) => ({
      id: crypto.randomUUID(),
      email: `${prefix}-${start + i}@example.com`,
      name: "",
      isActive: true,
      createdAt: now,
      updatedAt: now,
      lastLoginAt: null,
      securityStamp: newSecurityStamp(),
      stateChangedAt: now,
    }));
    const results = await deps.db.batch(rows.map((row) => deps.db.insert(users).values(row).returning()));
    for (const [user] of results) {
      const entry = { id: user.id, email: user.email };
      if (withLinks) entry.token = (await issueToken(deps, user)).token;
      created.push(entry);
    }
  }
  return Response.json({ users: created });
}

async function createBenchCodes(env, url) {
  const created = await (await createBenchUsers(env, url)).json();
  const config = getConfig(env);
  const db = createDb(env.DB);
  const now = Date.now();
  const codes = [];
  const statements = [];
  for (const user of created.users) {
    const code = generateCode(config.code.length);
    const id = crypto.randomUUID();
    const row = {
      id,
      email: user.email,
      userId: user.id,
      codeHash: await hashCode(config.secrets.sesame[0], id, code),
      createdAt: now,
      expiresAt: now + config.link.maxAgeSeconds * 1000,
      attempts: 0,
      consumedAt: null,
      consumeNonce: null,
      ip: "127.0.0.1",
      userAgent: "bench",
      attemptHash: null,
      linkHash: null,
    };
    statements.push(insertLoginRequestStatement(db, row));
    codes.push({ email: user.email, code });
  }
  for (let start = 0; start < statements.length; start += CHUNK) await db.batch(statements.slice(start, start + CHUNK));
  return Response.json({ codes });
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname === "/__bench/users" && request.method === "POST") return createBenchUsers(env, url);
    if (url.pathname === "/__bench/codes" && request.method === "POST") return createBenchCodes(env, url);
    const d1Counts = () => {
      const { roundTrips, statements } = d1?.counts() ?? { roundTrips: 0, statements: 0 };
      return { d1RoundTrips: roundTrips, d1Statements: statements };
    };
    if (url.pathname === "/__bench/counters") return Response.json({ ...counters, ...d1Counts() });
    if (url.pathname === "/__bench/counters/reset" && request.method === "POST") {
      for (const key of Object.keys(counters)) counters[key] = 0;
      d1?.reset();
      return Response.json({ ...counters, ...d1Counts() });
    }
    return worker.fetch(request, wrap(env), ctx);
  },
};
