/**
 * What the gate costs per request: throughput, p50/p99 latency and workerd CPU of
 *   (a) a bare pass-through worker (bench/workers/passthrough.ts),
 *   (b) the gate with a valid session cookie, spread over CREDENTIALS distinct sessions,
 *   (c) the gate with a bearer service token, spread over CREDENTIALS distinct tokens,
 *   (d) as (b), with 50 apps of 20 policies each (APPS, from a generated file) instead of the
 *       single implicit app: the request goes to the last app's host,
 * all on this machine, in the same run, in front of the same tiny Node origin on loopback.
 * Every worker runs in workerd through wrangler (log level warn). The load is a bounded
 * keep-alive loop: CONNECTIONS concurrent requests for a fixed time, rounds interleaved so
 * drift hits every variant alike, each request with the next credential of the pool, so no
 * cache of the gate (revocation answers, assertions, verified tokens) sees one credential
 * over and over. The whole measurement runs RUNS times; the figures reported are the median
 * of the runs. Every answer must be a 200, or the bench stops. Besides throughput and latency
 * it reports the CPU time workerd spent per request (from /proc, so other work on the machine
 * does not count), and the D1 round trips and KV reads per gated request
 * (bench/workers/gate-counted.js).
 *
 * BENCH_GATE_SECONDS (default 8) sets the measured time per variant and run; BENCH_GATE_RUNS
 * (default 3) the number of runs.
 */

import { webcrypto } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { newSigningKey } from "../scripts/keys.mjs";
import { applyLocalMigrations } from "../scripts/lib/wrangler.mjs";
import { MANY_APPS, MEASURED_HOST, MEASURED_PATH, manyApps, POLICIES_PER_APP } from "./lib/many-apps.mjs";
import { ROOT } from "./lib/paths.mjs";
import { formatCount, formatRatio, median, percentile, printTable } from "./lib/stats.mjs";
import { fetchJson, startWorker } from "./lib/worker.mjs";

export const title = "The gate: session and service-token requests vs a bare pass-through worker, and 50 apps vs one";

const CONNECTIONS = 10;
const ROUNDS = 2;
const WARMUP_SECONDS = 2;
const MEASURED_SECONDS = Number(process.env.BENCH_GATE_SECONDS ?? 8);
const RUNS = Number(process.env.BENCH_GATE_RUNS ?? 3);
/** Distinct sessions and distinct service tokens the requests are spread over. */
const CREDENTIALS = 1000;
/** Targets from the gate's issue: throughput at least 90% of the baseline, p99 at most 1.25x. */
const THROUGHPUT_TARGET = 0.9;
const P99_TARGET = 1.25;
/** Target for (d): workerd CPU per request within 3% of the single app's. */
const MANY_APPS_CPU_TARGET = 1.03;
const PATH = `${MEASURED_PATH}?view=full`;
/**
 * Diagnostic (e) sends (b)'s requests over this few sessions, each then seen many times a
 * second: the steady state of one busy session. It has no target, and leaves out what (b)
 * measures: a gate serving many credentials, each asked of KV again after
 * REVOCATION_RECHECK_SECONDS.
 */
const STEADY_SESSIONS = 10;

/** The origin runs in its own thread, so it never competes with the load loop's event loop. */
const ORIGIN_SOURCE = `
const { createServer } = require("node:http");
const { parentPort } = require("node:worker_threads");
const body = JSON.stringify({ ok: true, items: [1, 2, 3] });
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
parentPort.on("message", () => { server.closeAllConnections(); server.close(() => parentPort.close()); });
`;

function startOrigin() {
  const thread = new Worker(ORIGIN_SOURCE, { eval: true });
  return new Promise((resolve, reject) => {
    thread.once("error", reject);
    thread.once("message", (port) =>
      resolve({
        url: `http://127.0.0.1:${port}`,
        stop: () =>
          new Promise((done) => {
            thread.once("exit", done);
            thread.postMessage("stop");
          }),
      }),
    );
  });
}

/**
 * CONNECTIONS keep-alive loops against `url` for `seconds` (and at least `minRequests`
 * requests), request i with headersFor(i); every answer must be a 200.
 */
async function load(url, headersFor, seconds, minRequests = 0) {
  let sent = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies = [];
  let failures = 0;
  let lastFailure = "";
  const deadline = performance.now() + seconds * 1000;
  const one = () =>
    new Promise((resolve) => {
      const started = performance.now();
      let settled = false;
      const settle = (failure) => {
        if (settled) return;
        settled = true;
        if (failure) {
          failures++;
          lastFailure = failure;
        } else latencies.push(performance.now() - started);
        resolve();
      };
      const req = httpRequest(url, { agent, headers: headersFor(sent++) }, (res) => {
        res.on("end", () => settle(res.statusCode === 200 ? null : `status ${res.statusCode}`));
        // A connection dropped mid-answer ends with "close" and no "end": count it, never hang.
        res.on("close", () => settle("connection closed before the answer ended"));
        res.resume();
      });
      req.on("error", (error) => settle(error.message));
      req.end();
    });
  const cpuBefore = workerdCpuMs();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline || sent < minRequests) await one();
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuMs = workerdCpuMs() - cpuBefore;
  agent.destroy();
  // A benchmark of refusals would measure the wrong path: stop rather than report it.
  if (failures > 0) throw new Error(`${failures} requests to ${url} failed (last: ${lastFailure})`);
  return { requests: latencies.length, elapsed, latencies, cpuMs };
}

/**
 * CPU time (ms) used so far by every workerd this process started. Only the variant under load
 * is busy at a time, so the difference over a round is that variant's cost, whatever else runs
 * on the machine. NaN where /proc does not exist.
 */
function workerdCpuMs() {
  if (!existsSync("/proc/self/stat")) return NaN;
  const ticksPerMs = 100 / 1000; // USER_HZ is 100 on Linux
  let total = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) !== process.pid || !stat.includes("(workerd)")) continue;
      total += (Number(fields[11]) + Number(fields[12])) / ticksPerMs;
    } catch {
      // The process ended between listing and reading: it used nothing more.
    }
  }
  return total;
}

function summarise(samples) {
  const latencies = samples.flatMap((s) => s.latencies).sort((x, y) => x - y);
  const requests = samples.reduce((n, s) => n + s.requests, 0);
  const elapsed = samples.reduce((t, s) => t + s.elapsed, 0);
  const cpuMs = samples.reduce((t, s) => t + s.cpuMs, 0);
  return {
    requests,
    rps: requests / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuPerRequest: cpuMs / requests,
  };
}

/**
 * The gate worker with fresh secrets and a migrated local D1, and CREDENTIALS users each holding
 * a session and a service token; with `apps`, APPS is that list (written to a file first, as a
 * deployment would keep it, and handed over as the variable's text) and the session cookies are
 * minted for MEASURED_HOST.
 */
async function startGate(originUrl, { apps = null } = {}) {
  const persist = mkdtempSync(join(tmpdir(), "sesame-bench-gate-"));
  await applyLocalMigrations(ROOT, { persistTo: persist });
  let appsText = null;
  if (apps) {
    const file = join(persist, "apps.json");
    writeFileSync(file, JSON.stringify(apps, null, 2));
    appsText = readFileSync(file, "utf8");
  }
  const vars = {
    SESAME_SECRET: Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString("base64url"),
    SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
    ADMIN_TOKEN: Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString("base64url"),
    ORIGIN_URL: originUrl,
    PUBLIC_URL: "http://localhost:8787",
    MAILER: "dev",
    ...(appsText && { APPS: appsText }),
  };
  const bindings = Object.fromEntries(Object.entries(vars).map(([key, value]) => [key, { type: "plain_text", value }]));
  const gate = await startWorker({ config: "wrangler.toml", entrypoint: "bench/workers/gate-counted.js", bindings, persist });
  const stop = async () => {
    await gate.stop();
    rmSync(persist, { recursive: true, force: true });
  };
  try {
    const host = apps ? `&host=${MEASURED_HOST}` : "";
    const { cookies, tokens } = await fetchJson(gate, `/__bench/credentials?n=${CREDENTIALS}${host}`, { method: "POST" });
    return { gate, cookies, tokens, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * One full measurement: warm-up (first run only: every credential used at least once, so the
 * gate verified each token and read each revocation before anything is measured), then
 * ROUNDS interleaved rounds of every variant.
 */
async function measure(variants, { warmUp }) {
  if (warmUp) for (const v of variants) await load(v.url, v.headersFor, WARMUP_SECONDS, CREDENTIALS);
  const samples = Object.fromEntries(variants.map((v) => [v.key, []]));
  const counted = Object.fromEntries(variants.map((v) => [v.key, { d1RoundTrips: 0, kvReads: 0, requests: 0 }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < variants.length; i++) {
      const v = variants[(i + round) % variants.length];
      if (v.worker) await fetchJson(v.worker, "/__bench/counters/reset", { method: "POST" });
      const sample = await load(v.url, v.headersFor, MEASURED_SECONDS / ROUNDS);
      samples[v.key].push(sample);
      if (v.worker) {
        const c = await fetchJson(v.worker, "/__bench/counters");
        counted[v.key].d1RoundTrips += c.d1RoundTrips;
        counted[v.key].kvReads += c.kvReads;
        counted[v.key].requests += sample.requests;
      }
    }
  }
  const stats = Object.fromEntries(variants.map((v) => [v.key, summarise(samples[v.key])]));
  for (const v of variants) {
    const c = counted[v.key];
    stats[v.key].d1PerRequest = v.worker ? c.d1RoundTrips / c.requests : Number.NaN;
    stats[v.key].kvPerRequest = v.worker ? c.kvReads / c.requests : Number.NaN;
  }
  return stats;
}

export default async function run({ log = console.log } = {}) {
  const origin = await startOrigin();
  const stops = [origin.stop];
  try {
    // Same wrangler.toml (compatibility date and flags) as the gate: only the code differs.
    const passthrough = await startWorker({
      config: "wrangler.toml",
      entrypoint: "bench/workers/passthrough.ts",
      bindings: { ORIGIN_URL: { type: "plain_text", value: origin.url } },
    });
    stops.unshift(passthrough.stop);
    const single = await startGate(origin.url);
    stops.unshift(single.stop);
    const many = await startGate(origin.url, { apps: manyApps({ origin: origin.url }) });
    stops.unshift(many.stop);

    const pick = (list) => (i) => list[i % list.length];
    const cookie = pick(single.cookies);
    const token = pick(single.tokens);
    const manyCookie = pick(many.cookies);
    const variants = [
      { key: "a", label: "(a) pass-through worker", url: new URL(PATH, passthrough.url), headersFor: () => ({}) },
      {
        key: "b",
        label: `(b) gate, session cookie (${formatCount(CREDENTIALS)} sessions)`,
        url: new URL(PATH, single.gate.url),
        headersFor: (i) => ({ Cookie: cookie(i) }),
        worker: single.gate,
      },
      {
        key: "c",
        label: `(c) gate, service token (${formatCount(CREDENTIALS)} tokens)`,
        url: new URL(PATH, single.gate.url),
        headersFor: (i) => ({ Authorization: `Bearer ${token(i)}` }),
        worker: single.gate,
      },
      {
        key: "d",
        label: `(d) as (b), ${MANY_APPS} apps x ${POLICIES_PER_APP} policies`,
        url: new URL(PATH, many.gate.url),
        headersFor: (i) => ({ Host: MEASURED_HOST, Cookie: manyCookie(i) }),
        worker: many.gate,
      },
      {
        key: "e",
        label: `(e) diagnostic: as (b), ${STEADY_SESSIONS} sessions`,
        url: new URL(PATH, single.gate.url),
        headersFor: (i) => ({ Cookie: cookie(i % STEADY_SESSIONS) }),
        worker: single.gate,
      },
    ];

    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await measure(variants, { warmUp: r === 0 }));
    const ratiosOf = (stats) => ({
      e: { throughput: stats.e.rps / stats.a.rps, p99: stats.e.p99 / stats.a.p99, cpu: stats.e.cpuPerRequest / stats.a.cpuPerRequest },
      b: { throughput: stats.b.rps / stats.a.rps, p99: stats.b.p99 / stats.a.p99, cpu: stats.b.cpuPerRequest / stats.a.cpuPerRequest },
      c: { throughput: stats.c.rps / stats.a.rps, p99: stats.c.p99 / stats.a.p99, cpu: stats.c.cpuPerRequest / stats.a.cpuPerRequest },
      d: { throughput: stats.d.rps / stats.b.rps, p99: stats.d.p99 / stats.b.p99, cpu: stats.d.cpuPerRequest / stats.b.cpuPerRequest },
    });
    const perRun = runs.map(ratiosOf);
    const med = (values) => median(values.filter((v) => !Number.isNaN(v)));
    const stat = (key, field) => med(runs.map((stats) => stats[key][field]));
    const ratio = (key, field) => med(perRun.map((r) => r[key][field]));

    log(`${title}\n`);
    printTable(
      [
        "variant",
        "requests/run",
        "req/s",
        "p50 ms",
        "p99 ms",
        "throughput vs (a)",
        "p99 vs (a)",
        "workerd CPU ms/req",
        "D1 round trips/req",
        "KV reads/req",
      ],
      variants.map((v) => [
        v.label,
        formatCount(stat(v.key, "requests")),
        formatCount(stat(v.key, "rps")),
        stat(v.key, "p50").toFixed(2),
        stat(v.key, "p99").toFixed(2),
        v.key === "a" ? "1.00x (baseline)" : v.key === "d" ? "-" : formatRatio(ratio(v.key, "throughput")),
        v.key === "a" ? "1.00x" : v.key === "d" ? "-" : formatRatio(ratio(v.key, "p99")),
        Number.isNaN(stat(v.key, "cpuPerRequest")) ? "-" : stat(v.key, "cpuPerRequest").toFixed(3),
        v.worker ? stat(v.key, "d1PerRequest").toFixed(4) : "-",
        v.worker ? stat(v.key, "kvPerRequest").toFixed(3) : "-",
      ]),
      log,
    );
    log(
      `\nmedian of ${RUNS} runs; each run: ${ROUNDS} interleaved rounds of ${(MEASURED_SECONDS / ROUNDS).toFixed(1)} s per variant (before the first, a warm-up of at least ${WARMUP_SECONDS} s and ${formatCount(CREDENTIALS)} requests per variant), ${CONNECTIONS} keep-alive connections`,
    );
    for (const [r, ratios] of perRun.entries()) {
      log(
        `run ${r + 1}: b/a throughput ${formatRatio(ratios.b.throughput)}, p99 ${formatRatio(ratios.b.p99)}, CPU ${formatRatio(ratios.b.cpu)}; c/a ${formatRatio(ratios.c.throughput)}, ${formatRatio(ratios.c.p99)}, ${formatRatio(ratios.c.cpu)}; d/b CPU ${formatRatio(ratios.d.cpu)}`,
      );
    }
    const results = { connections: CONNECTIONS, seconds: MEASURED_SECONDS, runs: RUNS, perRun, ratios: {} };
    for (const key of ["b", "c"]) {
      const throughput = ratio(key, "throughput");
      const p99 = ratio(key, "p99");
      results.ratios[key] = { throughput, p99, cpu: ratio(key, "cpu") };
      const verdict = throughput >= THROUGHPUT_TARGET && p99 <= P99_TARGET ? "meets the target" : "MISSES the target";
      log(
        `${key}/a (median): throughput ${formatRatio(throughput)}, p99 ${formatRatio(p99)} (${verdict}: >= ${THROUGHPUT_TARGET.toFixed(2)}x, p99 <= ${P99_TARGET.toFixed(2)}x); workerd CPU per request ${formatRatio(ratio(key, "cpu"))}`,
      );
    }
    log(
      `e/a (median, diagnostic, no target): throughput ${formatRatio(ratio("e", "throughput"))}, p99 ${formatRatio(ratio("e", "p99"))}, workerd CPU per request ${formatRatio(ratio("e", "cpu"))}; KV reads/req ${stat("e", "kvPerRequest").toFixed(3)}`,
    );
    const manyCpu = ratio("d", "cpu");
    results.ratios.d = { cpu: manyCpu };
    log(
      `d/b (median): workerd CPU per request ${formatRatio(manyCpu)} (${manyCpu <= MANY_APPS_CPU_TARGET ? "meets" : "MISSES"} the target of <= ${MANY_APPS_CPU_TARGET.toFixed(2)}x); D1 round trips/req ${stat("d", "d1PerRequest").toFixed(4)} vs ${stat("b", "d1PerRequest").toFixed(4)}, KV reads/req ${stat("d", "kvPerRequest").toFixed(3)} vs ${stat("b", "kvPerRequest").toFixed(3)}`,
    );
    return results;
  } finally {
    for (const stop of stops) await stop().catch((error) => log(`cleanup: ${error.message}`));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { applyOfflineEnv } = await import("./lib/offline-env.mjs");
  applyOfflineEnv();
  await run();
}
