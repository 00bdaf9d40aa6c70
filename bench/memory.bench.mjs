/**
 * Where the gate's memory goes under load: the worker's own JavaScript heap, read through
 * the V8 inspector, beside the resident memory (RSS) of every workerd, for
 *   (a) the bare pass-through worker (bench/workers/passthrough.ts) and
 *   (b) the gate with session cookies spread over CREDENTIALS distinct sessions,
 * in rounds that alternate between the two, in front of the same origin.
 *
 * RSS alone cannot tell a leak from a runtime that keeps what it once allocated (local
 * workerd's RSS climbs under load even for the pass-through), and the used heap read at
 * any moment holds garbage not yet collected. workerd's inspector does not answer
 * HeapProfiler.collectGarbage, but a heap snapshot collects everything unreachable before
 * it walks the heap: so after each round the bench takes one (and throws it away) and then
 * reads the used heap, which is then the live heap. A worker that keeps something per
 * request shows a live heap that climbs round after round; bounded caches show one that
 * rises once, while they fill, and then stays. So each worker first serves a warm-up of
 * twice CREDENTIALS requests (every cache of the gate then holds every session), and the
 * figure per request is the live heap's growth from the first measured round to the last,
 * over the requests in between.
 *
 * BENCH_MEMORY_SECONDS (default 10) sets each round's length, BENCH_MEMORY_ROUNDS (default 6)
 * the rounds per worker.
 */
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";
import { findFreePort } from "../scripts/lib/ports.mjs";
import { load, startGate, startOrigin } from "./lib/gate-load.mjs";
import { formatCount, formatRatio, printTable } from "./lib/stats.mjs";
import { startWorker } from "./lib/worker.mjs";
import { rssMiB, workerdPids } from "./lib/workerd-rss.mjs";

export const title = "Memory under load: the worker's live heap and workerd's RSS, the gate vs a bare pass-through worker";

const CONNECTIONS = 10;
const CREDENTIALS = 1000;
const ROUND_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_MEMORY_ROUNDS ?? 6);
/** From the gate's issue: memory per request at most 1.2x the pass-through's, or the cause explained. */
const MEMORY_TARGET = 1.2;
const MIB = 1024 * 1024;

/** A minimal Chrome DevTools Protocol client over the inspector's WebSocket. */
async function inspect(port) {
  let targets = [];
  for (let attempt = 0; attempt < 50 && targets.length === 0; attempt++) {
    targets = await fetch(`http://127.0.0.1:${port}/json`)
      .then((res) => res.json())
      .catch(() => []);
    if (targets.length === 0) await sleep(100);
  }
  if (targets.length === 0) throw new Error(`no inspector target on port ${port}`);
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  let next = 0;
  const pending = new Map();
  socket.on("message", (data) => {
    // The snapshot's chunks arrive as events (no id) and are dropped: only its side effect counts.
    const message = JSON.parse(String(data));
    if (message.id === undefined) return;
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  const call = (method) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      pending.set(id, (message) => (message.error ? reject(new Error(message.error.message)) : resolve(message.result)));
      socket.send(JSON.stringify({ id, method }));
    });
  return {
    /** The used heap right after a heap snapshot, which first collects everything unreachable: the live heap. */
    liveHeap: async () => {
      await call("HeapProfiler.takeHeapSnapshot");
      return (await call("Runtime.getHeapUsage")).usedSize;
    },
    close: () => socket.close(),
  };
}

/** One round of load on `variant`: requests, then the live heap and workerd's RSS after it. */
async function round(variant) {
  const result = await load(variant.url, variant.headersFor, ROUND_SECONDS, { connections: CONNECTIONS });
  return { requests: result.requests, live: await variant.inspector.liveHeap(), rss: rssMiB(variant.pids) };
}

/** Growth of the live heap and of RSS per request, from the first measured round to the last. */
function growth(rounds) {
  const requests = rounds.slice(1).reduce((n, r) => n + r.requests, 0);
  const first = rounds[0];
  const last = rounds.at(-1);
  return {
    requests: rounds.reduce((n, r) => n + r.requests, 0),
    live: rounds.map((r) => r.live / MIB),
    heapPerRequest: (last.live - first.live) / requests,
    rssPerRequest: ((last.rss - first.rss) * MIB) / requests,
  };
}

export default async function run({ log = console.log } = {}) {
  const origin = await startOrigin();
  const stops = [origin.stop];
  try {
    const before = workerdPids();
    const passthrough = await startWorker({
      config: "wrangler.toml",
      entrypoint: "bench/workers/passthrough.ts",
      bindings: { ORIGIN_URL: { type: "plain_text", value: origin.url } },
      inspectorPort: await findFreePort(),
    });
    stops.unshift(passthrough.stop);
    const passthroughPids = new Set([...workerdPids()].filter((pid) => !before.has(pid)));
    const gate = await startGate(origin.url, { credentials: CREDENTIALS, inspectorPort: await findFreePort() });
    stops.unshift(gate.stop);
    const gatePids = new Set([...workerdPids()].filter((pid) => !before.has(pid) && !passthroughPids.has(pid)));
    const path = "/items?view=full";
    const variants = [
      {
        key: "a",
        label: "(a) pass-through worker",
        url: new URL(path, passthrough.url),
        headersFor: () => ({}),
        worker: passthrough,
        pids: passthroughPids,
      },
      {
        key: "b",
        label: `(b) gate, session cookie (${formatCount(CREDENTIALS)} sessions)`,
        url: new URL(path, gate.gate.url),
        headersFor: (i) => ({ Cookie: gate.cookies[i % gate.cookies.length] }),
        worker: gate.gate,
        pids: gatePids,
      },
    ];
    for (const v of variants) {
      v.inspector = await inspect(new URL(await v.worker.inspectorUrl).port);
      stops.unshift(async () => v.inspector.close());
      v.rounds = [];
    }
    for (const v of variants) await load(v.url, v.headersFor, 1, { connections: CONNECTIONS, minRequests: 2 * CREDENTIALS });
    for (let r = 0; r < ROUNDS; r++) for (const v of variants) v.rounds.push(await round(v));

    const figures = Object.fromEntries(variants.map((v) => [v.key, growth(v.rounds)]));
    log(`${title}\n`);
    printTable(
      ["variant", "requests", "live heap after each round, MiB", "live heap growth, bytes/req", "workerd RSS growth, bytes/req"],
      variants.map((v) => {
        const f = figures[v.key];
        return [
          v.label,
          formatCount(f.requests),
          f.live.map((m) => m.toFixed(2)).join(" "),
          f.heapPerRequest.toFixed(1),
          f.rssPerRequest.toFixed(0),
        ];
      }),
      log,
    );
    const heapBytes = (f) => f.heapPerRequest.toFixed(1);
    const rssRatio = figures.b.rssPerRequest / figures.a.rssPerRequest;
    log(
      `\nafter a warm-up of ${formatCount(2 * CREDENTIALS)} requests each, ${ROUNDS} rounds of ${ROUND_SECONDS} s per worker, alternating, ${CONNECTIONS} keep-alive connections; live heap read through the inspector after a heap snapshot`,
    );
    log(
      `b/a: workerd RSS growth per request ${formatRatio(rssRatio)} (target <= ${MEMORY_TARGET.toFixed(2)}x, or the cause explained); the gate's live heap grew ${heapBytes(figures.b)} bytes per request after its caches filled, the pass-through's ${heapBytes(figures.a)} bytes`,
    );
    return { figures, rssRatio };
  } finally {
    for (const stop of stops) await stop().catch((error) => log(`cleanup: ${error.message}`));
  }
}
