/**
 * The access decision itself, inside workerd: the app of the request's host, then decide(),
 * for the single implicit app and for 50 apps of 20 policies each (bench/lib/many-apps.mjs),
 * in the same isolate and run. Every decision must be "allow" (the path measured), or the
 * bench stops. The gate bench measures the same configurations end to end.
 */
import { formatCount, formatRatio, median, printTable } from "./lib/stats.mjs";
import { startWorker } from "./lib/worker.mjs";

export const title = "Access decision: one app vs 50 apps of 20 policies (inside workerd)";

const OPERATIONS = ["one-app", "many-apps"];
const TARGET_ROUND_MS = 250;
const ROUNDS = 7;
const CALIBRATION_ITERATIONS = 20_000;

async function runOnce(worker, op, n) {
  const started = performance.now();
  const res = await worker.fetch(`/run?op=${op}&n=${n}`);
  const wallMs = performance.now() - started;
  if (!res.ok) throw new Error(`bench worker answered ${res.status} for ${op}: ${await res.text()}`);
  const result = await res.json();
  if (result.failures !== 0) throw new Error(`${op} failed ${result.failures} of ${n} times: the bench would measure a failure path`);
  // workerd's clock advances only at I/O; should it stand still, fall back to wall time.
  const ms = result.ms > 0 ? result.ms : wallMs;
  return (n / ms) * 1000;
}

export default async function run({ log = console.log } = {}) {
  const worker = await startWorker({ entrypoint: "bench/workers/access.ts" });
  try {
    const counts = {};
    for (const pass of [0, 1]) {
      for (const op of OPERATIONS) {
        const rate = await runOnce(worker, op, CALIBRATION_ITERATIONS);
        if (pass === 1) counts[op] = Math.min(10_000_000, Math.max(CALIBRATION_ITERATIONS, Math.round((rate * TARGET_ROUND_MS) / 1000)));
      }
    }
    const samples = Object.fromEntries(OPERATIONS.map((op) => [op, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < OPERATIONS.length; i++) {
        const op = OPERATIONS[(i + round) % OPERATIONS.length];
        samples[op].push(await runOnce(worker, op, counts[op]));
      }
    }
    const rate = Object.fromEntries(OPERATIONS.map((op) => [op, median(samples[op])]));
    log(`${title}\n`);
    printTable(
      ["configuration", "decisions/s (median)", "ns/decision", "vs one app"],
      [
        ["one implicit app", formatCount(rate["one-app"]), (1e9 / rate["one-app"]).toFixed(0), "1.00x (baseline)"],
        [
          "50 apps x 20 policies",
          formatCount(rate["many-apps"]),
          (1e9 / rate["many-apps"]).toFixed(0),
          formatRatio(rate["one-app"] / rate["many-apps"]),
        ],
      ],
      log,
    );
    log(`\nmedian of ${ROUNDS} rounds of about ${TARGET_ROUND_MS} ms; "vs one app" is the time per decision relative to the single app`);
    return { opsPerSecond: rate, costRatio: rate["one-app"] / rate["many-apps"] };
  } finally {
    await worker.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { applyOfflineEnv } = await import("./lib/offline-env.mjs");
  applyOfflineEnv();
  await run();
}
