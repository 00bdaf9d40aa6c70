/**
 * The product worker (src/index.ts) for the gate benchmark, unchanged, with what only a
 * benchmark needs (plain JS: it is never type-checked with the product, never deployed):
 *
 * - D1 and KV bindings wrapped to count what the gate does per request (D1 round trips and
 *   statements with the tests' counter, test/support/d1-round-trips.ts; KV reads):
 *     GET  /__bench/counters        -> {d1RoundTrips, d1Statements, kvReads}
 *     POST /__bench/counters/reset
 * - POST /__bench/credentials?n=N[&host=H]  -> {cookies: [...], tokens: [...]}: N users, each
 *   with a real session (the same parts sign-in uses: test/support/sessions.ts) and a real
 *   service token (issueToken and its service_tokens row, as the admin API writes them). With
 *   `host`, the session cookies are the ones the cross-host sign-in mints for that app host
 *   (continueSessionOnHost). The bench spreads its requests over all of them, so no cache of
 *   the gate sees one credential over and over.
 */

import { API_SCOPE } from "../../src/auth/scopes.ts";
import { issueToken } from "../../src/auth/token-service.ts";
import { getConfig } from "../../src/config.ts";
import { createDb } from "../../src/db/client.ts";
import { serviceTokens, users } from "../../src/db/schema.ts";
import worker from "../../src/index.ts";
import { continueSessionOnHost } from "../../src/sessions/index.ts";
import { newSecurityStamp } from "../../src/users/store.ts";
import { countingD1RoundTrips } from "../../test/support/d1-round-trips.ts";
import { createSession } from "../../test/support/sessions.ts";

const counters = { kvReads: 0 };
let d1 = null;
/** One wrapped env per original env, so the worker's per-isolate config cache still hits. */
const wrappedEnvs = new WeakMap();
/** Users written per D1 batch. */
const CHUNK = 100;

function countingReads(kv) {
  return new Proxy(kv, {
    get(object, property) {
      const value = Reflect.get(object, property);
      if (typeof value !== "function") return value;
      if (property !== "get") return value.bind(object);
      return (...args) => {
        counters.kvReads += 1;
        return value.apply(object, args);
      };
    },
  });
}

function wrap(env) {
  let wrapped = wrappedEnvs.get(env);
  if (!wrapped) {
    d1 = countingD1RoundTrips(env.DB);
    wrapped = { ...env, DB: d1.binding, REVOKED: countingReads(env.REVOKED) };
    wrappedEnvs.set(env, wrapped);
  }
  return wrapped;
}

async function createCredentials(env, request, url) {
  const n = Math.min(Number(url.searchParams.get("n") ?? "1"), 10_000);
  const host = url.searchParams.get("host");
  const product = wrap(env);
  // The bench's own writes go to the real binding: the counters stay the gate's.
  const deps = { config: getConfig(product), db: createDb(env.DB), kv: product.REVOKED };
  const now = Date.now();
  const cookies = [];
  const tokens = [];
  for (let start = 0; start < n; start += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, n - start) }, (_, i) => ({
      id: crypto.randomUUID(),
      email: `bench-${now}-${start + i}@example.com`,
      name: "",
      isActive: true,
      createdAt: now - 60_000,
      updatedAt: now - 60_000,
      lastLoginAt: null,
      securityStamp: newSecurityStamp(),
      stateChangedAt: now - 60_000,
    }));
    const created = (await deps.db.batch(rows.map((row) => deps.db.insert(users).values(row).returning()))).map(([user]) => user);
    const tokenRows = [];
    for (const user of created) {
      const session = await createSession(deps, { user, amr: "link", request });
      const cookie = host ? await continueSessionOnHost(deps, session.sessionId, host) : session.setCookie;
      if (!cookie) throw new Error("the session is not live");
      cookies.push(cookie.split(";")[0]);
      const { token, info } = await issueToken(deps, user, { scope: API_SCOPE, maxAge: 86_400, oneTime: false });
      tokenRows.push(
        deps.db.insert(serviceTokens).values({
          id: crypto.randomUUID(),
          userId: user.id,
          name: "bench",
          tokenHash: info.hash,
          createdAt: info.issuedAt,
          expiresAt: info.expiresAt,
        }),
      );
      tokens.push(token);
    }
    await deps.db.batch(tokenRows);
  }
  return Response.json({ cookies, tokens });
}

export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const d1Counts = () => {
      const { roundTrips, statements } = d1?.counts() ?? { roundTrips: 0, statements: 0 };
      return { d1RoundTrips: roundTrips, d1Statements: statements };
    };
    if (url.pathname === "/__bench/counters") return Response.json({ ...counters, ...d1Counts() });
    if (url.pathname === "/__bench/counters/reset" && request.method === "POST") {
      counters.kvReads = 0;
      d1?.reset();
      return Response.json({ ...counters, ...d1Counts() });
    }
    if (url.pathname === "/__bench/credentials" && request.method === "POST") return createCredentials(env, request, url);
    return worker.fetch(request, wrap(env), ctx);
  },
};
