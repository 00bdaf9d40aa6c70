/**
 * The gate benchmarks' shared parts: the origin every variant proxies to, the gate worker with
 * many real credentials, and the keep-alive load loop with workerd's CPU per request.
 */
import { webcrypto } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { newSigningKey } from "../../scripts/keys.mjs";
import { applyLocalMigrations } from "../../scripts/lib/wrangler.mjs";
import { MEASURED_HOST } from "./many-apps.mjs";
import { ROOT } from "./paths.mjs";
import { fetchJson, startWorker } from "./worker.mjs";

/**
 * The origin runs in its own thread, so it never competes with the load loop's event loop.
 * With `requireIdentity` it answers 500 to a request without the gate's Sesame-User-Id, so a
 * benchmark of the gate fails rather than measure requests proxied without an identity.
 */
const ORIGIN_SOURCE = `
const { createServer } = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const body = JSON.stringify({ ok: true, items: [1, 2, 3] });
const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    if (workerData.requireIdentity && !req.headers["sesame-user-id"]) {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("no identity");
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
parentPort.on("message", () => { server.closeAllConnections(); server.close(() => parentPort.close()); });
`;

export function startOrigin({ requireIdentity = false } = {}) {
  const thread = new Worker(ORIGIN_SOURCE, { eval: true, workerData: { requireIdentity } });
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
 * `connections` keep-alive loops against `url` for `seconds` (and at least `minRequests`
 * requests), request i with headersFor(i); every answer must be a 200. `onAnswer(i, res)`
 * sees each answer's head (a cookie jar takes re-issued cookies from it); if it throws, that
 * answer counts as failed.
 */
export async function load(url, headersFor, seconds, { minRequests = 0, connections = 10, onAnswer = null } = {}) {
  let sent = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
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
      const index = sent++;
      const req = httpRequest(url, { agent, headers: headersFor(index) }, (res) => {
        // An answer onAnswer refuses (a cookie of another session) fails like a wrong status,
        // so the bench stops through its own cleanup rather than on an uncaught exception.
        let refused = null;
        try {
          onAnswer?.(index, res);
        } catch (error) {
          refused = error.message;
        }
        res.on("end", () => settle(res.statusCode === 200 ? refused : `status ${res.statusCode}`));
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
    Array.from({ length: connections }, async () => {
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
export function workerdCpuMs() {
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

/**
 * The gate worker with fresh secrets and a migrated local D1, and `credentials` users each holding
 * a session and a service token; with `apps`, APPS is that list (written to a file first, as a
 * deployment would keep it, and handed over as the variable's text) and the session cookies are
 * minted for MEASURED_HOST; with `spreadSeconds`, the sessions began evenly over that many
 * seconds before now (bench/workers/gate-counted.js).
 */
export async function startGate(originUrl, { apps = null, credentials = 1000, inspectorPort = null, spreadSeconds = 0 } = {}) {
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
  const gate = await startWorker({
    config: "wrangler.toml",
    entrypoint: "bench/workers/gate-counted.js",
    bindings,
    persist,
    inspectorPort,
  });
  const stop = async () => {
    await gate.stop();
    rmSync(persist, { recursive: true, force: true });
  };
  try {
    const host = apps ? `&host=${MEASURED_HOST}` : "";
    const { cookies, tokens } = await fetchJson(gate, `/__bench/credentials?n=${credentials}${host}&spread=${spreadSeconds}`, {
      method: "POST",
    });
    return { gate, cookies, tokens, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
