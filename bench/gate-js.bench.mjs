/**
 * The gate's own JavaScript per request, without sockets: the product worker's fetch driven in
 * a loop inside its own isolate (bench/workers/gate-counted.js, POST /__bench/loop), with the
 * origin's fetch replaced by a stub that returns the origin's answer, next to the pass-through
 * (bench/workers/passthrough.ts) driven the same way in the same isolate. Workerd's CPU per
 * request comes from /proc, as in the gate bench. Each call runs CALL_REQUESTS requests, so no
 * HTTP, no scheduling between processes and no origin enter the figure: it is steadier than the
 * gate bench's, and leaves out exactly what that one measures besides the JavaScript (the
 * runtime's HTTP server and client, the load generator and the origin sharing the machine).
 * The loop checks every answer: a 200, and for the gate the identity headers on the request
 * the stub received.
 *
 * BENCH_GATE_JS_ROUNDS (default 10) sets the rounds; each round runs CALLS calls per variant,
 * variants in rotating order. The figures are medians over the rounds.
 */
import { startGate, workerdCpuMs } from "./lib/gate-load.mjs";
import { formatCount, median, printTable } from "./lib/stats.mjs";
import { fetchJson } from "./lib/worker.mjs";

export const title = "The gate's own JavaScript: the product's fetch in a loop, origin stubbed, vs the pass-through";

const CREDENTIALS = 1000;
const CALL_REQUESTS = 300;
const CALLS = 8;
const ROUNDS = Number(process.env.BENCH_GATE_JS_ROUNDS ?? 10);
const MODES = [
  { mode: "pass", label: "pass-through" },
  { mode: "session", label: `gate, session cookie (${formatCount(CREDENTIALS)} sessions)` },
  { mode: "token", label: `gate, service token (${formatCount(CREDENTIALS)} tokens)` },
];

export default async function run({ log = console.log } = {}) {
  // The origin is never contacted: every fetch of the loop is answered by the stub.
  const { gate, stop } = await startGate("http://127.0.0.1:9", { credentials: CREDENTIALS });
  try {
    const call = (mode) => fetchJson(gate, `/__bench/loop?mode=${mode}&n=${CALL_REQUESTS}`, { method: "POST" });
    // Every credential twice first: verified, remembered, its revocation answers read.
    for (const { mode } of MODES) for (let i = 0; i < Math.ceil((2 * CREDENTIALS) / CALL_REQUESTS) + 1; i++) await call(mode);
    const perRequest = Object.fromEntries(MODES.map(({ mode }) => [mode, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < MODES.length; i++) {
        const { mode } = MODES[(i + round) % MODES.length];
        const before = workerdCpuMs();
        for (let c = 0; c < CALLS; c++) await call(mode);
        perRequest[mode].push(((workerdCpuMs() - before) * 1000) / (CALLS * CALL_REQUESTS));
      }
    }
    const pass = median(perRequest.pass);
    log(`${title}\n`);
    printTable(
      ["variant", "workerd CPU µs/req (median)", "above the pass-through", "rounds (µs/req)"],
      MODES.map(({ mode, label }) => [
        label,
        median(perRequest[mode]).toFixed(1),
        mode === "pass" ? "-" : `${(median(perRequest[mode]) - pass).toFixed(1)} µs`,
        perRequest[mode].map((v) => v.toFixed(0)).join(" "),
      ]),
      log,
    );
    log(
      `\n${ROUNDS} rounds of ${CALLS} calls of ${CALL_REQUESTS} requests per variant, after a warm-up that used every credential twice; /proc counts CPU in 10 ms ticks, about ${((10 * 1000) / (CALLS * CALL_REQUESTS)).toFixed(1)} µs a request per round`,
    );
    return Object.fromEntries(MODES.map(({ mode }) => [mode, median(perRequest[mode])]));
  } finally {
    await stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { applyOfflineEnv } = await import("./lib/offline-env.mjs");
  applyOfflineEnv();
  await run();
}
