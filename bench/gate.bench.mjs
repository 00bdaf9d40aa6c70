/**
 * What the gate costs per request: throughput, p50/p99 latency and workerd CPU of
 *   (a) a bare pass-through worker (bench/workers/passthrough.ts) sent (b)'s requests (the same
 *       session cookies), the baseline of (b) and (e),
 *   (a') the same pass-through sent (c)'s requests (the same bearer tokens), the baseline of (c),
 *   (b) the gate with a valid session cookie, spread over CREDENTIALS distinct sessions,
 *   (c) the gate with a bearer service token, spread over CREDENTIALS distinct tokens,
 *   (d) as (b), with 50 apps of 20 policies each (APPS, from a generated file) instead of the
 *       single implicit app: the request goes to the last app's host,
 * all on this machine, in the same run, in front of the same tiny Node origin on loopback (the
 * gate's copy refuses a request that arrives without the gate's identity headers).
 * The variants take turns, so each one's traffic stops, for up to a few minutes, while the
 * others run; continuous traffic never does that. Each turn therefore starts with an unmeasured
 * lead-in of CREDENTIALS requests, which does the work that credentials returning after that
 * pause have fallen due for (assertions signed again, revocation answers read again, sessions
 * and tokens checked again in D1), and is then measured for SLOT_SECONDS, an assertion's reuse time, so
 * the turn signs each credential's assertion once more, as that much continuous traffic
 * would. What continuous traffic would also spread into those seconds, and the lead-in takes
 * instead, is counted apart (docs/benchmarks.md, "Why the lead-in").
 * A bare proxy in front of the same users receives the same requests, credentials included:
 * carrying a 300 to 400-byte credential through workerd costs a pass-through measurably, so
 * each gate variant is compared with the pass-through sent its own requests. Diagnostic (a0)
 * sends the pass-through requests with no credential at all, to show that cost.
 * Every worker runs in workerd through wrangler (log level warn). The load is a bounded
 * keep-alive loop: CONNECTIONS concurrent requests for a fixed time, two turns per variant and
 * run (in an order rotated from run to run, then in the reverse order) so drift hits every
 * variant alike, each request with the next credential of the pool (session cookies held as
 * browsers hold them: bench/lib/cookie-jar.mjs), so no cache of the gate (revocation answers,
 * assertions, verified tokens) sees one credential over and over. The whole measurement runs
 * RUNS times; the figures reported are the median of the runs. Every answer must be a 200, or the bench stops. Besides throughput and latency
 * it reports the CPU time workerd spent per request (from /proc, so other work on the machine
 * does not count), and the D1 round trips and KV reads per gated request
 * (bench/workers/gate-counted.js).
 *
 * BENCH_GATE_RUNS (default 3) sets the number of runs.
 */

import { cookieJar } from "./lib/cookie-jar.mjs";
import { load, startGate, startOrigin } from "./lib/gate-load.mjs";
import { MANY_APPS, MEASURED_HOST, MEASURED_PATH, manyApps, POLICIES_PER_APP } from "./lib/many-apps.mjs";
import { formatCount, formatRatio, median, percentile, printTable } from "./lib/stats.mjs";
import { fetchJson, startWorker } from "./lib/worker.mjs";

export const title = "The gate: session and service-token requests vs a bare pass-through worker, and 50 apps vs one";

const CONNECTIONS = 10;
const WARMUP_SECONDS = 2;
/**
 * The measured time of a turn: an assertion's reuse time at the default ASSERTION_TTL
 * (docs/gate.md), so a turn signs each credential's assertion once more, as the same stretch
 * of continuous traffic would.
 */
const SLOT_SECONDS = 10;
/**
 * SESSION_REVALIDATE's default (docs/configuration.md): the sessions began evenly over this
 * long before the run, so their D1 re-checks come due one after another, as in continuous
 * use, rather than all 1,000 at once.
 */
const SESSION_REVALIDATE_SECONDS = 300;
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
 * measures: a gate serving many credentials, each with its own session cookie, revocation
 * answer and assertion to remember, re-verify and re-sign (src/kv/generations.ts keeps the KV
 * reads of both near zero).
 */
const STEADY_SESSIONS = 10;

function summarise(samples) {
  const latencies = samples.flatMap((s) => s.latencies).sort((x, y) => x - y);
  const requests = samples.reduce((n, s) => n + s.requests, 0);
  return {
    requests,
    rps: requests / samples.reduce((t, s) => t + s.elapsed, 0),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuPerRequest: samples.reduce((t, s) => t + s.cpuMs, 0) / requests,
  };
}

/**
 * One full measurement: warm-up (first run only: every credential used at least twice, so the
 * gate verified each token and remembered each revocation answer before anything is
 * measured), then two turns per variant: the variants in an order rotated by `rotation`,
 * then in the reverse order, so a drift over the run, and the place in the order, weigh on
 * every variant alike. A turn is a lead-in of CREDENTIALS requests, then SLOT_SECONDS
 * measured; the D1 round trips and KV reads of each are counted apart.
 */
async function measure(variants, { warmUp, rotation }) {
  if (warmUp)
    // Each credential twice: a service token's first use verifies it against D1 and KV itself,
    // the second puts its revocation answers in the isolate's memory, as steady use would.
    for (const v of variants)
      await load(v.url, v.headersFor, WARMUP_SECONDS, { minRequests: 2 * CREDENTIALS, connections: CONNECTIONS, onAnswer: v.onAnswer });
  const order = variants.map((_, i) => variants[(i + rotation) % variants.length]);
  const samples = Object.fromEntries(variants.map((v) => [v.key, []]));
  const tally = () => ({ d1RoundTrips: 0, kvReads: 0, requests: 0 });
  const counted = Object.fromEntries(variants.map((v) => [v.key, { turns: tally(), leadIns: tally() }]));
  // The worker's counters since the last call (zero for the pass-through, which has none).
  const countersSince = async (v) => {
    if (!v.worker) return { d1RoundTrips: 0, kvReads: 0 };
    const { d1RoundTrips, kvReads } = await fetchJson(v.worker, "/__bench/counters");
    await fetchJson(v.worker, "/__bench/counters/reset", { method: "POST" });
    return { d1RoundTrips, kvReads };
  };
  const add = (into, sample, counts) => {
    into.requests += sample.requests;
    into.d1RoundTrips += counts.d1RoundTrips;
    into.kvReads += counts.kvReads;
  };
  for (const v of [...order, ...[...order].reverse()]) {
    await countersSince(v);
    const leadIn = await load(v.url, v.headersFor, 0, { minRequests: CREDENTIALS, connections: CONNECTIONS, onAnswer: v.onAnswer });
    add(counted[v.key].leadIns, leadIn, await countersSince(v));
    const sample = await load(v.url, v.headersFor, SLOT_SECONDS, { connections: CONNECTIONS, onAnswer: v.onAnswer });
    add(counted[v.key].turns, sample, await countersSince(v));
    samples[v.key].push(sample);
  }
  return Object.fromEntries(variants.map((v) => [v.key, { ...summarise(samples[v.key]), counted: counted[v.key] }]));
}

export default async function run({ log = console.log } = {}) {
  // Two copies of the same origin: the gate's answers 500 to a request without an identity,
  // so every gated answer the bench counts went through with one.
  const origin = await startOrigin();
  const gatedOrigin = await startOrigin({ requireIdentity: true });
  const stops = [origin.stop, gatedOrigin.stop];
  try {
    // Same wrangler.toml (compatibility date and flags) as the gate: only the code differs.
    const passthrough = await startWorker({
      config: "wrangler.toml",
      entrypoint: "bench/workers/passthrough.ts",
      bindings: { ORIGIN_URL: { type: "plain_text", value: origin.url } },
    });
    stops.unshift(passthrough.stop);
    const single = await startGate(gatedOrigin.url, { credentials: CREDENTIALS, spreadSeconds: SESSION_REVALIDATE_SECONDS });
    stops.unshift(single.stop);
    const many = await startGate(gatedOrigin.url, {
      apps: manyApps({ origin: gatedOrigin.url }),
      credentials: CREDENTIALS,
      spreadSeconds: SESSION_REVALIDATE_SECONDS,
    });
    stops.unshift(many.stop);

    const token = (i) => single.tokens[i % single.tokens.length];
    const cookies = cookieJar(single.cookies);
    const manyCookies = cookieJar(many.cookies);
    const variants = [
      {
        key: "a",
        short: "(a)",
        label: "(a) pass-through worker, (b)'s requests",
        url: new URL(PATH, passthrough.url),
        headersFor: (i) => ({ Cookie: cookies.at(i) }),
        onAnswer: cookies.adopt,
      },
      {
        key: "t",
        short: "(a')",
        label: "(a') pass-through worker, (c)'s requests",
        url: new URL(PATH, passthrough.url),
        headersFor: (i) => ({ Authorization: `Bearer ${token(i)}` }),
      },
      {
        key: "b",
        label: `(b) gate, session cookie (${formatCount(CREDENTIALS)} sessions)`,
        url: new URL(PATH, single.gate.url),
        headersFor: (i) => ({ Cookie: cookies.at(i) }),
        onAnswer: cookies.adopt,
        worker: single.gate,
        baseline: "a",
      },
      {
        key: "c",
        label: `(c) gate, service token (${formatCount(CREDENTIALS)} tokens)`,
        url: new URL(PATH, single.gate.url),
        headersFor: (i) => ({ Authorization: `Bearer ${token(i)}` }),
        worker: single.gate,
        baseline: "t",
      },
      {
        key: "d",
        label: `(d) as (b), ${MANY_APPS} apps x ${POLICIES_PER_APP} policies`,
        url: new URL(PATH, many.gate.url),
        headersFor: (i) => ({ Host: MEASURED_HOST, Cookie: manyCookies.at(i) }),
        onAnswer: manyCookies.adopt,
        worker: many.gate,
      },
      {
        key: "e",
        label: `(e) diagnostic: as (b), ${STEADY_SESSIONS} sessions`,
        url: new URL(PATH, single.gate.url),
        headersFor: (i) => ({ Cookie: cookies.at(i % STEADY_SESSIONS) }),
        onAnswer: (i, res) => cookies.adopt(i % STEADY_SESSIONS, res),
        worker: single.gate,
        baseline: "a",
      },
      {
        key: "z",
        label: "(a0) diagnostic: pass-through worker, no credential",
        url: new URL(PATH, passthrough.url),
        headersFor: () => ({}),
        baseline: "a",
      },
    ];
    const byKey = Object.fromEntries(variants.map((v) => [v.key, v]));

    const runs = [];
    for (let r = 0; r < RUNS; r++) runs.push(await measure(variants, { warmUp: r === 0, rotation: r }));
    const against = (stats, key, base) => ({
      throughput: stats[key].rps / stats[base].rps,
      p99: stats[key].p99 / stats[base].p99,
      cpu: stats[key].cpuPerRequest / stats[base].cpuPerRequest,
    });
    const ratiosOf = (stats) => ({
      b: against(stats, "b", "a"),
      c: against(stats, "c", "t"),
      d: against(stats, "d", "b"),
      e: against(stats, "e", "a"),
      z: against(stats, "z", "a"),
    });
    const perRun = runs.map(ratiosOf);
    const med = (values) => median(values.filter((v) => !Number.isNaN(v)));
    const stat = (key, field) => med(runs.map((stats) => stats[key][field]));
    // Reads and round trips are counted over every run, never as a median of runs: the
    // revocation answers are re-read once a minute per credential (docs/security.md), and a
    // median of runs would hide the run in which that happened.
    const overAllRuns = (key, field, part = "turns") => {
      const requests = runs.reduce((n, stats) => n + stats[key].counted[part].requests, 0);
      return runs.reduce((n, stats) => n + stats[key].counted[part][field], 0) / requests;
    };
    const ratio = (key, field) => med(perRun.map((r) => r[key][field]));

    log(`${title}\n`);
    printTable(
      [
        "variant",
        "requests/run",
        "req/s",
        "p50 ms",
        "p99 ms",
        "baseline",
        "throughput vs baseline",
        "p99 vs baseline",
        "workerd CPU ms/req",
        "D1 round trips/req",
        "KV reads/req",
        "lead-ins: D1, KV /req",
      ],
      variants.map((v) => [
        v.label,
        formatCount(stat(v.key, "requests")),
        formatCount(stat(v.key, "rps")),
        stat(v.key, "p50").toFixed(2),
        stat(v.key, "p99").toFixed(2),
        v.baseline ? byKey[v.baseline].short : v.key === "d" ? "(b), CPU only" : "-",
        v.baseline ? formatRatio(ratio(v.key, "throughput")) : v.key === "d" ? "-" : "1.00x (baseline)",
        v.baseline ? formatRatio(ratio(v.key, "p99")) : v.key === "d" ? "-" : "1.00x",
        Number.isNaN(stat(v.key, "cpuPerRequest")) ? "-" : stat(v.key, "cpuPerRequest").toFixed(3),
        v.worker ? overAllRuns(v.key, "d1RoundTrips").toFixed(4) : "-",
        v.worker ? overAllRuns(v.key, "kvReads").toFixed(3) : "-",
        v.worker
          ? `${overAllRuns(v.key, "d1RoundTrips", "leadIns").toFixed(4)}, ${overAllRuns(v.key, "kvReads", "leadIns").toFixed(3)}`
          : "-",
      ]),
      log,
    );
    log(
      `\nmedian of ${RUNS} runs; each run: two turns per variant, the variants in an order rotated from run to run and then in the reverse order; a turn is an unmeasured lead-in of ${formatCount(CREDENTIALS)} requests and ${SLOT_SECONDS} s measured (before the first run, a warm-up of at least ${WARMUP_SECONDS} s and ${formatCount(2 * CREDENTIALS)} requests per variant), ${CONNECTIONS} keep-alive connections; D1 round trips and KV reads counted over the measured turns of all runs, and apart over the lead-ins (the work of credentials returning after the other variants' turns)`,
    );
    for (const [r, ratios] of perRun.entries()) {
      log(
        `run ${r + 1}: b/a throughput ${formatRatio(ratios.b.throughput)}, p99 ${formatRatio(ratios.b.p99)}, CPU ${formatRatio(ratios.b.cpu)}; c/a' ${formatRatio(ratios.c.throughput)}, ${formatRatio(ratios.c.p99)}, ${formatRatio(ratios.c.cpu)}; d/b CPU ${formatRatio(ratios.d.cpu)}; a0/a ${formatRatio(ratios.z.throughput)}, CPU ${formatRatio(ratios.z.cpu)}`,
      );
    }
    const results = { connections: CONNECTIONS, seconds: SLOT_SECONDS, runs: RUNS, perRun, ratios: {} };
    for (const key of ["b", "c"]) {
      const throughput = ratio(key, "throughput");
      const p99 = ratio(key, "p99");
      results.ratios[key] = { throughput, p99, cpu: ratio(key, "cpu") };
      const verdict = throughput >= THROUGHPUT_TARGET && p99 <= P99_TARGET ? "meets the target" : "MISSES the target";
      const base = key === "b" ? "a" : "a'";
      log(
        `${key}/${base} (median): throughput ${formatRatio(throughput)}, p99 ${formatRatio(p99)} (${verdict}: >= ${THROUGHPUT_TARGET.toFixed(2)}x, p99 <= ${P99_TARGET.toFixed(2)}x); workerd CPU per request ${formatRatio(ratio(key, "cpu"))}`,
      );
    }
    log(
      `e/a (median, diagnostic, no target): throughput ${formatRatio(ratio("e", "throughput"))}, p99 ${formatRatio(ratio("e", "p99"))}, workerd CPU per request ${formatRatio(ratio("e", "cpu"))}; KV reads/req ${overAllRuns("e", "kvReads").toFixed(3)}`,
    );
    log(
      `a0/a (median, diagnostic): the pass-through without a credential, against it with (b)'s cookies: throughput ${formatRatio(ratio("z", "throughput"))}, p99 ${formatRatio(ratio("z", "p99"))}, workerd CPU per request ${formatRatio(ratio("z", "cpu"))}`,
    );
    const manyCpu = ratio("d", "cpu");
    results.ratios.d = { cpu: manyCpu };
    log(
      `d/b (median): workerd CPU per request ${formatRatio(manyCpu)} (${manyCpu <= MANY_APPS_CPU_TARGET ? "meets" : "MISSES"} the target of <= ${MANY_APPS_CPU_TARGET.toFixed(2)}x); D1 round trips/req ${overAllRuns("d", "d1RoundTrips").toFixed(4)} vs ${overAllRuns("b", "d1RoundTrips").toFixed(4)}, KV reads/req ${overAllRuns("d", "kvReads").toFixed(3)} vs ${overAllRuns("b", "kvReads").toFixed(3)}`,
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
