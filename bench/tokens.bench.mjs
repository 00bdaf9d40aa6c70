/**
 * Token engine throughput inside workerd: sesame mint and verify next to jose HS256
 * SignJWT and jwtVerify, measured in the same run and the same isolate. Absolute figures
 * depend on the machine; the ratios are what to compare between runs.
 */
import { formatCount, formatRatio, median, printTable } from "./lib/stats.mjs";
import { startWorker } from "./lib/worker.mjs";

export const title = "Token engine: sesame tokens vs jose HS256 JWTs (inside workerd)";

const OPERATIONS = ["mint", "jose-sign", "verify", "jose-verify"];
/** Each timed request should take about this long: long enough to dwarf timer and HTTP noise. */
const TARGET_ROUND_MS = 250;
const ROUNDS = 7;
/** Calibration sample: long enough (~20 ms) that workerd's millisecond clock does not skew it. */
const CALIBRATION_ITERATIONS = 2000;
/** Targets for `mint / jose-sign` and `verify / jose-verify`: a sesame token costs no more than a JWT. */
const MINT_RATIO_TARGET = 1.0;
const VERIFY_RATIO_TARGET = 1.0;

async function runOnce(worker, op, n) {
  const started = performance.now();
  const res = await worker.fetch(`/run?op=${op}&n=${n}`);
  const wallMs = performance.now() - started;
  if (!res.ok) throw new Error(`bench worker answered ${res.status} for ${op}: ${await res.text()}`);
  const result = await res.json();
  if (result.failures !== 0) throw new Error(`${op} failed ${result.failures} of ${n} times: the bench would measure a failure path`);
  // workerd's clock advances locally; should it ever stand still, fall back to wall time.
  const ms = result.ms > 0 ? result.ms : wallMs;
  return (n / ms) * 1000;
}

/** Picks an iteration count per operation so one round lasts about TARGET_ROUND_MS. */
async function calibrate(worker) {
  const counts = {};
  for (const op of OPERATIONS) {
    const opsPerSecond = await runOnce(worker, op, CALIBRATION_ITERATIONS);
    counts[op] = Math.max(CALIBRATION_ITERATIONS, Math.min(500_000, Math.round((opsPerSecond * TARGET_ROUND_MS) / 1000)));
  }
  return counts;
}

export default async function run({ log = console.log } = {}) {
  const worker = await startWorker({ entrypoint: "bench/workers/tokens.ts" });
  try {
    await calibrate(worker); // first pass only warms up: JIT, key caches, the fixture
    const counts = await calibrate(worker);
    for (const op of OPERATIONS) await runOnce(worker, op, counts[op]);
    const samples = Object.fromEntries(OPERATIONS.map((op) => [op, []]));
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order each round so no operation always runs right after the same neighbour.
      for (let i = 0; i < OPERATIONS.length; i++) {
        const op = OPERATIONS[(i + round) % OPERATIONS.length];
        samples[op].push(await runOnce(worker, op, counts[op]));
      }
    }
    const rate = Object.fromEntries(OPERATIONS.map((op) => [op, median(samples[op])]));
    const sizes = await (await worker.fetch("/sizes")).json();

    const results = {
      rounds: ROUNDS,
      iterations: counts,
      opsPerSecond: rate,
      mintRatio: rate.mint / rate["jose-sign"],
      verifyRatio: rate.verify / rate["jose-verify"],
      sizes,
    };
    const spread = (op) => `${(((Math.max(...samples[op]) - Math.min(...samples[op])) / rate[op]) * 100).toFixed(0)}%`;
    const row = (label, op, ratio) => [
      label,
      formatCount(counts[op]),
      formatCount(rate[op]),
      spread(op),
      (1e6 / rate[op]).toFixed(1),
      ratio === undefined ? "1.00x (baseline)" : formatRatio(ratio),
    ];
    log(`${title}\n`);
    printTable(
      ["operation", "iterations/round", "ops/s (median)", "spread", "us/op", "vs jose"],
      [
        row("jose SignJWT HS256", "jose-sign"),
        row("sesame createToken", "mint", results.mintRatio),
        row("jose jwtVerify HS256", "jose-verify"),
        row("sesame verifyToken", "verify", results.verifyRatio),
      ],
      log,
    );
    log(
      `\nmedian of ${ROUNDS} rounds after warm-up (spread: (max - min) / median); token size: sesame ${sizes.sesame} chars, equivalent JWT ${sizes.jwt} chars`,
    );
    const verdict = (ratio, target) =>
      `${formatRatio(ratio)} (${ratio >= target ? "meets" : "BELOW"} the target of >= ${target.toFixed(1)}x)`;
    log(`mint vs jose sign: ${verdict(results.mintRatio, MINT_RATIO_TARGET)}`);
    log(`verify vs jose verify: ${verdict(results.verifyRatio, VERIFY_RATIO_TARGET)}`);
    return results;
  } finally {
    await worker.stop();
  }
}
