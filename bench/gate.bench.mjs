/**
 * What the gate costs per request: throughput and p50/p99 latency of
 *   (a) a bare pass-through worker (bench/workers/passthrough.ts),
 *   (b) the gate with a valid session cookie,
 *   (c) the gate with a bearer service token,
 * all on this machine, in the same run, in front of the same tiny Node origin on loopback,
 * plus a diagnostic (d): (b) with the revocation read answered from memory instead of the
 * local KV simulator, which shows how much of the difference is the simulator's.
 * Every worker runs in workerd through wrangler (log level warn). The load is a bounded
 * keep-alive loop: CONNECTIONS concurrent requests for a fixed time, rounds interleaved so
 * drift hits every variant alike. Besides throughput and latency it reports the CPU time
 * workerd spent per request (from /proc, so other work on the machine does not count), and
 * the D1 statements and KV reads per gated request (bench/workers/gate-counted.js), which
 * must be 0 and at most 1.
 *
 * BENCH_GATE_SECONDS (default 12) sets the measured time per variant.
 */

import { webcrypto } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { newSigningKey } from "../scripts/keys.mjs";
import { applyLocalMigrations } from "../scripts/lib/wrangler.mjs";
import { ROOT } from "./lib/paths.mjs";
import { formatCount, formatRatio, percentile, printTable } from "./lib/stats.mjs";
import { fetchJson, startWorker } from "./lib/worker.mjs";

export const title = "The gate: session and service-token requests vs a bare pass-through worker";

const CONNECTIONS = 10;
const ROUNDS = 3;
const WARMUP_SECONDS = 2;
const MEASURED_SECONDS = Number(process.env.BENCH_GATE_SECONDS ?? 12);
/** Targets from the gate's issue: throughput at least 90% of the baseline, p99 at most 1.25x. */
const THROUGHPUT_TARGET = 0.9;
const P99_TARGET = 1.25;
const PATH = "/items/42?view=full";

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

/** CONNECTIONS keep-alive loops against `url` for `seconds`; every answer must be a 200. */
async function load(url, headers, seconds) {
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
      const req = httpRequest(url, { agent, headers }, (res) => {
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
      while (performance.now() < deadline) await one();
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

/** The gate worker with fresh secrets and a migrated local D1, and a user holding a session and a service token. */
async function startGate(originUrl, { kvInMemory = false } = {}) {
  const persist = mkdtempSync(join(tmpdir(), "sesame-bench-gate-"));
  await applyLocalMigrations(ROOT, { persistTo: persist });
  const adminToken = Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const vars = {
    SESAME_SECRET: Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString("base64url"),
    SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
    ADMIN_TOKEN: adminToken,
    ORIGIN_URL: originUrl,
    PUBLIC_URL: "http://localhost:8787",
    MAILER: "dev",
    ...(kvInMemory && { BENCH_KV_IN_MEMORY: "1" }),
  };
  const bindings = Object.fromEntries(Object.entries(vars).map(([key, value]) => [key, { type: "plain_text", value }]));
  const gate = await startWorker({ config: "wrangler.toml", entrypoint: "bench/workers/gate-counted.js", bindings, persist });
  const stop = async () => {
    await gate.stop();
    rmSync(persist, { recursive: true, force: true });
  };
  try {
    const adminHeaders = { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" };
    const { user } = await fetchJson(gate, "/.sesame/admin/api/users", {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ email: `bench-${Date.now()}@example.com` }),
    });
    const { cookie } = await fetchJson(gate, `/__bench/session?user=${user.id}`, { method: "POST" });
    const { token } = await fetchJson(gate, `/.sesame/admin/api/users/${user.id}/service-tokens`, {
      method: "POST",
      headers: adminHeaders,
      body: JSON.stringify({ name: "bench" }),
    });
    return { gate, cookie, token, stop };
  } catch (error) {
    await stop();
    throw error;
  }
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
    const { gate, cookie, token, stop } = await startGate(origin.url);
    stops.unshift(stop);
    const diagnostic = await startGate(origin.url, { kvInMemory: true });
    stops.unshift(diagnostic.stop);

    const variants = [
      { key: "a", label: "(a) pass-through worker", url: new URL(PATH, passthrough.url), headers: {} },
      { key: "b", label: "(b) gate, session cookie", url: new URL(PATH, gate.url), headers: { Cookie: cookie }, counted: true },
      {
        key: "c",
        label: "(c) gate, bearer service token",
        url: new URL(PATH, gate.url),
        headers: { Authorization: `Bearer ${token}` },
        counted: true,
      },
      {
        key: "d",
        label: "(d) as (b), KV read from memory",
        url: new URL(PATH, diagnostic.gate.url),
        headers: { Cookie: diagnostic.cookie },
        counted: true,
        worker: diagnostic.gate,
      },
    ];
    // Warm-up: JIT, key imports, the remembered service token, the origin's sockets.
    for (const v of variants) await load(v.url, v.headers, WARMUP_SECONDS);

    const samples = Object.fromEntries(variants.map((v) => [v.key, []]));
    const counted = Object.fromEntries(variants.map((v) => [v.key, { d1Statements: 0, kvReads: 0, requests: 0 }]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < variants.length; i++) {
        const v = variants[(i + round) % variants.length];
        if (v.counted) await fetchJson(v.worker ?? gate, "/__bench/counters/reset", { method: "POST" });
        const sample = await load(v.url, v.headers, MEASURED_SECONDS / ROUNDS);
        samples[v.key].push(sample);
        if (v.counted) {
          const c = await fetchJson(v.worker ?? gate, "/__bench/counters");
          counted[v.key].d1Statements += c.d1Statements;
          counted[v.key].kvReads += c.kvReads;
          counted[v.key].requests += sample.requests;
        }
      }
    }

    const stats = Object.fromEntries(variants.map((v) => [v.key, summarise(samples[v.key])]));
    const base = stats.a;
    const perRequest = (key, field) => (counted[key].requests ? counted[key][field] / counted[key].requests : NaN);
    log(`${title}\n`);
    printTable(
      [
        "variant",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "throughput vs (a)",
        "p99 vs (a)",
        "workerd CPU ms/req",
        "D1/request",
        "KV reads/request",
      ],
      variants.map((v) => {
        const s = stats[v.key];
        return [
          v.label,
          formatCount(s.requests),
          formatCount(s.rps),
          s.p50.toFixed(2),
          s.p99.toFixed(2),
          v.key === "a" ? "1.00x (baseline)" : formatRatio(s.rps / base.rps),
          v.key === "a" ? "1.00x" : formatRatio(s.p99 / base.p99),
          Number.isNaN(s.cpuPerRequest) ? "-" : s.cpuPerRequest.toFixed(3),
          v.counted ? perRequest(v.key, "d1Statements").toFixed(3) : "-",
          v.counted ? perRequest(v.key, "kvReads").toFixed(3) : "-",
        ];
      }),
      log,
    );
    log(
      `\n${CONNECTIONS} keep-alive connections, ${ROUNDS} interleaved rounds of ${(MEASURED_SECONDS / ROUNDS).toFixed(1)} s per variant after ${WARMUP_SECONDS} s of warm-up each`,
    );
    const results = { connections: CONNECTIONS, seconds: MEASURED_SECONDS, stats, counted, ratios: {} };
    for (const key of ["b", "c", "d"]) {
      const throughput = stats[key].rps / base.rps;
      const p99 = stats[key].p99 / base.p99;
      const cpu = stats[key].cpuPerRequest / base.cpuPerRequest;
      results.ratios[key] = { throughput, p99, cpu };
      const verdict =
        key === "d"
          ? "diagnostic, no target"
          : throughput >= THROUGHPUT_TARGET && p99 <= P99_TARGET
            ? "meets the target"
            : "MISSES the target";
      log(
        `${key}/a: throughput ${formatRatio(throughput)}, p99 ${formatRatio(p99)} (${verdict}: >= ${THROUGHPUT_TARGET.toFixed(2)}x, p99 <= ${P99_TARGET.toFixed(2)}x); workerd CPU per request ${Number.isNaN(cpu) ? "-" : formatRatio(cpu)}`,
      );
    }
    const d1 = ["b", "c"].map((key) => counted[key].d1Statements).reduce((x, y) => x + y, 0);
    log(`D1 statements during the measured gated requests: ${d1} (must be 0 outside revalidation)`);
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
