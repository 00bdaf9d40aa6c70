/**
 * The login path: throughput and p50/p99 latency of
 *   (a) GET  /.sesame/health            the baseline: the same worker, no storage touched
 *   (b) POST /.sesame/login             ask for a sign-in email (MAILER=cloudflare: wrangler's
 *                                       simulated Email Service binding, nothing leaves the machine)
 *   (c) GET + POST /.sesame/link        redeem a magic link (one redemption = both requests)
 *   (d) GET  /.sesame/me                check a session cookie
 *   (e) POST /.sesame/code              redeem a sign-in code
 * on one product worker in workerd (wrangler's programmatic API, log level warn, local D1
 * and KV), all in the same run. Every answer must be the expected one (200, or 303 for the
 * POST /link and /code), so a refusal path is never what gets measured. Beside throughput it
 * prints the D1 round trips (calls that reach D1; a batch is one) and statements per
 * operation, counted as the tests count them (test/support/d1-round-trips.ts): sign-in's
 * budget is 3 round trips for (b), (c) and (e).
 *
 * The rate limits would stop (b) after 5 requests per address and 30 per client: the bench
 * sets RATE_LIMIT_LOGIN_PER_IP=100000 and RATE_LIMIT_LOGIN_PER_EMAIL=1000 and cycles
 * through LOGIN_USERS addresses, and says so in its output. The tokens for (c) are minted
 * ahead, one per user, and so are the codes for (e), with RATE_LIMIT_CODE_PER_IP=100000
 * (bench/workers/login-bench.js).
 *
 * BENCH_LOGIN_SECONDS (default 6) sets the measured time per variant.
 */

import { webcrypto } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newSigningKey } from "../scripts/keys.mjs";
import { applyLocalMigrations } from "../scripts/lib/wrangler.mjs";
import { ROOT } from "./lib/paths.mjs";
import { formatCount, formatRatio, percentile, printTable } from "./lib/stats.mjs";
import { fetchJson, startWorker } from "./lib/worker.mjs";

export const title = "The login path: POST /login, link redemption and session checks vs GET /health on the same worker";

const CONNECTIONS = 10;
const ROUNDS = 2;
const WARMUP_SECONDS = 1;
const MEASURED_SECONDS = Number(process.env.BENCH_LOGIN_SECONDS ?? 6);
/** Addresses POST /login cycles through (each stays far below its per-address limit). */
const LOGIN_USERS = 200;
/** Magic links minted ahead; a round that uses them all ends early (and says so). */
const LINK_POOL = 3000;
const PUBLIC_URL = "http://localhost:8787";
const RATE_LIMITS = { RATE_LIMIT_LOGIN_PER_IP: "100000", RATE_LIMIT_LOGIN_PER_EMAIL: "1000", RATE_LIMIT_CODE_PER_IP: "100000" };
/** Sign-in's D1 budget per operation (docs/benchmarks.md). */
const ROUND_TRIP_BUDGET = 3;
const FORM_HEADERS = { Origin: PUBLIC_URL, "Content-Type": "application/x-www-form-urlencoded", Accept: "text/html" };

/** One request over the keep-alive agent; resolves {status, headers, body}. */
function send(agent, url, { method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

function expectStatus(answer, status, what) {
  if (answer.status !== status) throw new Error(`${what} answered ${answer.status}, expected ${status}: ${answer.body.slice(0, 200)}`);
}

/**
 * CONNECTIONS loops running `operation` for `seconds`; an operation returning false means
 * "nothing left to do" (the link pool ran out) and ends its loop. Any failure stops the bench.
 */
async function load(operation, seconds) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies = [];
  let exhausted = false;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < deadline && !exhausted) {
          const t0 = performance.now();
          if ((await operation(agent)) === false) exhausted = true;
          else latencies.push(performance.now() - t0);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { operations: latencies.length, elapsed: (performance.now() - started) / 1000, latencies, exhausted };
}

function summarise(samples) {
  const latencies = samples.flatMap((s) => s.latencies).sort((x, y) => x - y);
  const operations = samples.reduce((n, s) => n + s.operations, 0);
  const elapsed = samples.reduce((t, s) => t + s.elapsed, 0);
  return {
    operations,
    rps: operations / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    exhausted: samples.some((s) => s.exhausted),
  };
}

async function startLoginWorker(persist) {
  // The simulated Email Service binding logs every message at info level: thousands of lines.
  process.env.WRANGLER_LOG ??= "warn";
  await applyLocalMigrations(ROOT, { persistTo: persist });
  const random = () => Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const vars = {
    SESAME_SECRET: random(),
    ADMIN_TOKEN: random(),
    SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
    // Never reached: every route measured here is answered by the edge itself.
    ORIGIN_URL: "http://127.0.0.1:9",
    PUBLIC_URL,
    // A real provider's path: the dev mailer would add its own D1 writes (the mailbox).
    MAILER: "cloudflare",
    ...RATE_LIMITS,
  };
  const bindings = Object.fromEntries(Object.entries(vars).map(([key, value]) => [key, { type: "plain_text", value }]));
  return startWorker({ config: "wrangler.toml", entrypoint: "bench/workers/login-bench.js", bindings, persist });
}

export default async function run({ log = console.log } = {}) {
  const persist = mkdtempSync(join(tmpdir(), "sesame-bench-login-"));
  let worker;
  try {
    worker = await startLoginWorker(persist);
    const base = worker.url;
    const run = Date.now().toString(36);
    const mintStarted = performance.now();
    const { users: loginUsers } = await fetchJson(worker, `/__bench/users?n=${LOGIN_USERS}&prefix=login-${run}`, { method: "POST" });
    const { users: linkUsers } = await fetchJson(worker, `/__bench/users?n=${LINK_POOL + 1}&prefix=link-${run}&links=1`, {
      method: "POST",
    });
    const { codes } = await fetchJson(worker, `/__bench/codes?n=${LINK_POOL}&prefix=code-${run}`, { method: "POST" });
    const mintSeconds = (performance.now() - mintStarted) / 1000;
    const links = linkUsers.map((u) => u.token);

    // One real session for (d), from a minted link.
    const agent = new Agent({ keepAlive: false });
    const signedIn = await send(agent, new URL("/.sesame/link", base), {
      method: "POST",
      headers: FORM_HEADERS,
      body: new URLSearchParams({ sesame: links.pop(), next: "/" }).toString(),
    });
    expectStatus(signedIn, 303, "POST /link");
    const cookie = [signedIn.headers["set-cookie"]]
      .flat()
      .map((c) => c.split(";")[0])
      .find((c) => /^sesame=./.test(c));

    let loginCount = 0;
    const variants = [
      {
        key: "a",
        label: "(a) GET /.sesame/health (baseline)",
        operation: async (a) => expectStatus(await send(a, new URL("/.sesame/health", base)), 200, "GET /health"),
      },
      {
        key: "b",
        label: "(b) POST /.sesame/login (Email Service binding)",
        operation: async (a) => {
          const email = loginUsers[loginCount++ % loginUsers.length].email;
          const body = new URLSearchParams({ email, next: "/" }).toString();
          expectStatus(await send(a, new URL("/.sesame/login", base), { method: "POST", headers: FORM_HEADERS, body }), 200, "POST /login");
        },
      },
      {
        key: "c",
        label: "(c) GET + POST /.sesame/link (one redemption)",
        operation: async (a) => {
          const token = links.pop();
          if (!token) return false;
          expectStatus(
            await send(a, new URL(`/.sesame/link?sesame=${token}`, base), { headers: { Accept: "text/html" } }),
            200,
            "GET /link",
          );
          const body = new URLSearchParams({ sesame: token, next: "/" }).toString();
          expectStatus(await send(a, new URL("/.sesame/link", base), { method: "POST", headers: FORM_HEADERS, body }), 303, "POST /link");
        },
      },
      {
        key: "d",
        label: "(d) GET /.sesame/me (session check)",
        operation: async (a) => expectStatus(await send(a, new URL("/.sesame/me", base), { headers: { Cookie: cookie } }), 200, "GET /me"),
      },
      {
        key: "e",
        label: "(e) POST /.sesame/code",
        operation: async (a) => {
          const pending = codes.pop();
          if (!pending) return false;
          const body = new URLSearchParams({ email: pending.email, code: pending.code, next: "/" }).toString();
          expectStatus(await send(a, new URL("/.sesame/code", base), { method: "POST", headers: FORM_HEADERS, body }), 303, "POST /code");
        },
      },
    ];

    for (const v of variants) await load(v.operation, WARMUP_SECONDS);
    const samples = Object.fromEntries(variants.map((v) => [v.key, []]));
    const counted = Object.fromEntries(variants.map((v) => [v.key, { d1RoundTrips: 0, d1Statements: 0, kvReads: 0, kvWrites: 0 }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(i + round) % variants.length];
        await fetchJson(worker, "/__bench/counters/reset", { method: "POST" });
        samples[v.key].push(await load(v.operation, MEASURED_SECONDS / ROUNDS));
        const c = await fetchJson(worker, "/__bench/counters");
        for (const field of Object.keys(counted[v.key])) counted[v.key][field] += c[field];
      }
    }

    const stats = Object.fromEntries(variants.map((v) => [v.key, summarise(samples[v.key])]));
    const baseline = stats.a;
    log(`${title}\n`);
    printTable(
      [
        "variant",
        "operations",
        "ops/s",
        "p50 ms",
        "p99 ms",
        "throughput vs (a)",
        "p99 vs (a)",
        "D1 round trips/op",
        "D1 statements/op",
        "KV reads/op",
      ],
      variants.map((v) => {
        const s = stats[v.key];
        const perOp = (field) => (s.operations ? (counted[v.key][field] / s.operations).toFixed(1) : "-");
        return [
          v.label,
          formatCount(s.operations),
          formatCount(s.rps),
          s.p50.toFixed(2),
          s.p99.toFixed(2),
          v.key === "a" ? "1.00x (baseline)" : formatRatio(s.rps / baseline.rps),
          v.key === "a" ? "1.00x" : formatRatio(s.p99 / baseline.p99),
          perOp("d1RoundTrips"),
          perOp("d1Statements"),
          perOp("kvReads"),
        ];
      }),
      log,
    );
    log(
      `\n${CONNECTIONS} keep-alive connections, ${ROUNDS} interleaved rounds of ${(MEASURED_SECONDS / ROUNDS).toFixed(1)} s per variant after ${WARMUP_SECONDS} s of warm-up each`,
    );
    log(
      `rate limits raised for the bench (RATE_LIMIT_LOGIN_PER_IP=${RATE_LIMITS.RATE_LIMIT_LOGIN_PER_IP}, RATE_LIMIT_LOGIN_PER_EMAIL=${RATE_LIMITS.RATE_LIMIT_LOGIN_PER_EMAIL}); POST /login cycles through ${LOGIN_USERS} existing users`,
    );
    log(
      `${LINK_POOL} links minted ahead in ${mintSeconds.toFixed(1)} s, one per user; ${links.length} left unused${stats.c.exhausted ? " (the pool ran out: (c) measured less time)" : ""}`,
    );
    for (const key of ["b", "c", "e"]) {
      const perOp = stats[key].operations ? counted[key].d1RoundTrips / stats[key].operations : Number.NaN;
      log(
        `${key}: ${perOp.toFixed(2)} D1 round trips per operation (${perOp <= ROUND_TRIP_BUDGET ? "within" : "OVER"} the budget of ${ROUND_TRIP_BUDGET})`,
      );
    }
    log(
      `${LINK_POOL} codes pending ahead; ${codes.length} left unused${stats.e.exhausted ? " (the pool ran out: (e) measured less time)" : ""}`,
    );
    log(
      "local D1 answers one statement at a time (a few ms each here): the login routes are bound by their D1 statements, the session check by neither",
    );
    return {
      connections: CONNECTIONS,
      seconds: MEASURED_SECONDS,
      stats,
      counted,
      ratios: Object.fromEntries(
        ["b", "c", "d", "e"].map((k) => [k, { throughput: stats[k].rps / baseline.rps, p99: stats[k].p99 / baseline.p99 }]),
      ),
    };
  } finally {
    await worker?.stop().catch((error) => log(`cleanup: ${error.message}`));
    rmSync(persist, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { applyOfflineEnv } = await import("./lib/offline-env.mjs");
  applyOfflineEnv();
  await run();
}
