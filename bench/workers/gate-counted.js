/**
 * The product worker (src/index.ts) for the gate benchmark, unchanged, with what only a
 * benchmark needs (plain JS: it is never type-checked with the product, never deployed):
 *
 * - D1 and KV bindings wrapped to count what the gate does per request (D1 round trips and
 *   statements with the tests' counter, test/support/d1-round-trips.ts; KV reads):
 *     GET  /__bench/counters        -> {d1RoundTrips, d1Statements, kvReads}
 *     POST /__bench/counters/reset
 * - POST /__bench/loop?mode=pass|session|token&n=N -> {requests}: N requests through the product's
 *   fetch (or the pass-through's, bench/workers/passthrough.ts) inside this isolate, each with the
 *   next credential made last, while fetch() is a stub answering as the bench origin does
 *   (bench/gate-js.bench.mjs). Every answer must be a 200, and the gate's origin request must
 *   carry the identity headers.
 * - POST /__bench/credentials?n=N[&host=H][&spread=S]  -> {cookies: [...], tokens: [...]}: N
 *   users, each with a real session (the same parts sign-in uses: test/support/sessions.ts) and
 *   a real service token (issueToken and its service_tokens row, as the admin API writes them).
 *   With `host`, the session cookies are the ones the cross-host sign-in mints for that app host
 *   (continueSessionOnHost). With `spread`, the sessions began (and were last checked in D1)
 *   at moments spread evenly over the last S seconds, as sessions in continuous use are, so
 *   their D1 re-checks come due one after another instead of all at once. The bench spreads
 *   its requests over all of them, so no cache of the gate sees one credential over and over.
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
import passthrough from "./passthrough.ts";

const counters = { kvReads: 0 };
/** The credentials made last, for the loop. */
let made = { cookies: [], tokens: [] };
/** What the bench origin answers (bench/lib/gate-load.mjs). */
const ORIGIN_ANSWER = JSON.stringify({ ok: true, items: [1, 2, 3] });
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
  const spreadMs = Math.max(0, Number(url.searchParams.get("spread") ?? "0")) * 1000;
  /** When the k-th session began: evenly over the last `spread` seconds. */
  const signedInAt = (k) => now - Math.floor((spreadMs * k) / n);
  const cookies = [];
  const tokens = [];
  for (let start = 0; start < n; start += CHUNK) {
    const rows = Array.from({ length: Math.min(CHUNK, n - start) }, (_, i) => ({
      id: crypto.randomUUID(),
      email: `bench-${now}-${start + i}@example.com`,
      name: "",
      isActive: true,
      // Before the first session began: a later change of state would end the sessions.
      createdAt: now - spreadMs - 60_000,
      updatedAt: now - spreadMs - 60_000,
      lastLoginAt: null,
      securityStamp: newSecurityStamp(),
      stateChangedAt: now - spreadMs - 60_000,
    }));
    const created = (await deps.db.batch(rows.map((row) => deps.db.insert(users).values(row).returning()))).map(([user]) => user);
    const tokenRows = [];
    for (const [i, user] of created.entries()) {
      const at = { ...deps, now: signedInAt(start + i) };
      const session = await createSession(at, { user, amr: "link", request });
      const cookie = host ? await continueSessionOnHost(at, session.sessionId, host) : session.setCookie;
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
  made = { cookies, tokens };
  return Response.json({ cookies, tokens });
}

async function loop(env, ctx, url) {
  const mode = url.searchParams.get("mode");
  if (!["pass", "session", "token"].includes(mode)) return Response.json({ error: "mode must be pass, session or token" }, { status: 400 });
  const n = Math.min(Number(url.searchParams.get("n") ?? "300"), 10_000);
  const real = globalThis.fetch;
  let sent = null;
  globalThis.fetch = async (_input, init) => {
    sent = init?.headers ?? null;
    return new Response(ORIGIN_ANSWER, {
      status: 200,
      headers: { "Content-Type": "application/json", "Content-Length": String(ORIGIN_ANSWER.length) },
    });
  };
  try {
    for (let i = 0; i < n; i++) {
      const headers = { Host: "127.0.0.1:8787", Connection: "keep-alive" };
      if (mode === "session") headers.Cookie = made.cookies[i % made.cookies.length];
      if (mode === "token") headers.Authorization = `Bearer ${made.tokens[i % made.tokens.length]}`;
      const request = new Request("http://127.0.0.1:8787/api/items?view=full", { headers });
      sent = null;
      const answer = mode === "pass" ? await passthrough.fetch(request, env) : await worker.fetch(request, wrap(env), ctx);
      await answer.arrayBuffer();
      if (answer.status !== 200) return Response.json({ error: `${mode} answered ${answer.status}` }, { status: 500 });
      if (mode !== "pass" && !sent?.get("Sesame-User-Id"))
        return Response.json({ error: `${mode}: the origin request carried no identity` }, { status: 500 });
    }
  } finally {
    globalThis.fetch = real;
  }
  return Response.json({ requests: n });
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
    if (url.pathname === "/__bench/loop" && request.method === "POST") return loop(env, ctx, url);
    return worker.fetch(request, wrap(env), ctx);
  },
};
