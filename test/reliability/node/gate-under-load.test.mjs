/**
 * The gate as it runs under `wrangler dev`, in front of an origin that fails on purpose
 * (lib/fault-origin.mjs): refused connections, a hang past ORIGIN_TIMEOUT=1, connections
 * reset before and during the body, then 60 s of load at 20 connections with a session
 * cookie while workerd's memory is sampled. Loopback only. Part of `npm run test:hostile`.
 *
 * RELIABILITY_LOAD_SECONDS (default 60) and RELIABILITY_LOAD_CONNECTIONS (default 20) size the load.
 */
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { newSigningKey } from "../../../scripts/keys.mjs";
import { startLocalWorker } from "../../../scripts/lib/local-worker.mjs";
import { applyOfflineEnv } from "../../../scripts/lib/offline-env.mjs";
import { MID_BODY_DECLARED_BYTES, startFaultOrigin } from "./lib/fault-origin.mjs";
import { get, signIn } from "./lib/gate-client.mjs";
import { runLoad } from "./lib/load.mjs";
import { findWorkerdProcesses, sampleMemory, summariseMemory } from "./lib/workerd-memory.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const LOAD_SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.RELIABILITY_LOAD_CONNECTIONS ?? 20);
const MEMORY_SAMPLE_MS = 3000;
/**
 * Steady memory, judged against what local workerd does anyway. Under `wrangler dev` even a
 * bare pass-through worker's RSS climbs by ~100 MiB in the first seconds of load (V8 sizing
 * its heap) and then by ~6 KiB per request (the local runtime's own bookkeeping; measured
 * with this harness, see docs/reliability.md). So the worker may grow by
 * HEAP_SIZING_MIB plus MAX_GROWTH_KIB_PER_REQUEST per request: generous, yet a product
 * leak of a request's worth of memory (headers, bodies, assertions) would cross it.
 */
const HEAP_SIZING_MIB = 128;
const MAX_GROWTH_KIB_PER_REQUEST = 16;
const JSON_ACCEPT = { Accept: "application/json" };

const report = (scenario, figures) => console.log(`[reliability] ${scenario} ${JSON.stringify(figures)}`);
const random = () => Buffer.from(webcrypto.getRandomValues(new Uint8Array(32))).toString("base64url");

/**
 * The gate under `wrangler dev` in front of `origin`, signed in once. `extraVars` on top of a
 * fresh secret, admin token and signing key.
 */
async function startSignedInGate(origin, extraVars = {}) {
  const adminToken = random();
  const gate = await startLocalWorker({
    root: ROOT,
    vars: {
      SESAME_SECRET: random(),
      ADMIN_TOKEN: adminToken,
      SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
      ORIGIN_URL: origin.url,
      MAILER: "dev",
      ...extraVars,
    },
  });
  const cookie = await signIn(gate.url, {
    adminToken,
    publicUrl: `http://localhost:${gate.port}`,
    email: `load-${Date.now()}@example.com`,
  });
  return { gate, cookie };
}

describe("the gate under origin faults (wrangler dev)", () => {
  let origin;
  let gate;
  let cookie;
  const authed = (extra = {}) => ({ Cookie: cookie, ...JSON_ACCEPT, ...extra });

  before(async () => {
    applyOfflineEnv();
    origin = await startFaultOrigin();
    ({ gate, cookie } = await startSignedInGate(origin, { ORIGIN_TIMEOUT: "1" }));
  });

  after(async () => {
    await gate?.stop();
    await origin?.stop();
  });

  it("answers 502 while the origin refuses connections, keeps serving its own routes, and recovers", async () => {
    assert.equal((await get(`${gate.url}/items/1`, { headers: authed() })).status, 200);
    await origin.stop();

    const api = await get(`${gate.url}/items/1`, { headers: authed() });
    const page = await get(`${gate.url}/items/1`, { headers: authed({ Accept: "text/html" }) });
    assert.equal(api.status, 502);
    assert.deepEqual(JSON.parse(api.body).error, "origin_unreachable");
    assert.equal(page.status, 502);
    assert.match(page.body, /The application is not answering/);
    for (const answer of [api, page])
      assert.ok(!answer.body.includes(String(origin.port)), "the origin's address never reaches the client");
    assert.equal((await get(`${gate.url}/.sesame/health`)).status, 200);
    assert.equal((await get(`${gate.url}/.sesame/me`, { headers: { Cookie: cookie } })).status, 200);

    await origin.start();
    const recovered = await get(`${gate.url}/items/1`, { headers: authed() });
    assert.equal(recovered.status, 200);
    report("origin refuses", { whileDown: api.status, page: page.status, downMs: Math.round(api.ms), afterRestart: recovered.status });
  });

  it("answers 504 after ORIGIN_TIMEOUT=1 when the origin hangs, while other requests go through", async () => {
    const hanging = Array.from({ length: 5 }, () => get(`${gate.url}/__hang`, { headers: authed() }));
    const others = await Promise.all(Array.from({ length: 20 }, (_, i) => get(`${gate.url}/items/${i}`, { headers: authed() })));
    const hung = await Promise.all(hanging);

    assert.deepEqual(
      others.map((r) => r.status),
      Array(20).fill(200),
    );
    for (const answer of hung) {
      assert.equal(answer.status, 504);
      assert.equal(JSON.parse(answer.body).error, "origin_timeout");
      assert.ok(answer.ms >= 900 && answer.ms < 5000, `504 after ${answer.ms} ms`);
    }
    assert.equal((await get(`${gate.url}/items/1`, { headers: authed() })).status, 200);
    report("origin hangs", {
      hung: hung.length,
      status: 504,
      slowestMs: Math.round(Math.max(...hung.map((r) => r.ms))),
      othersOk: others.length,
    });
  });

  it("answers 502 when the origin drops the connection before answering", async () => {
    const dropped = await get(`${gate.url}/__reset-head`, { headers: authed() });
    assert.equal(dropped.status, 502);
    assert.equal((await get(`${gate.url}/items/1`, { headers: authed() })).status, 200);
    report("origin resets before the head", { status: dropped.status });
  });

  it("cuts the client's response off when the origin resets mid-body, never passing it as complete, and keeps serving", async () => {
    const cut = await get(`${gate.url}/__reset-mid-body`, { headers: authed() });
    assert.equal(cut.status, 200, "the head had already arrived: the status is the origin's");
    assert.ok(cut.error !== null, "the client must see the body end abnormally");
    assert.ok(cut.bytes < MID_BODY_DECLARED_BYTES);
    const next = await Promise.all(Array.from({ length: 10 }, (_, i) => get(`${gate.url}/items/${i}`, { headers: authed() })));
    assert.deepEqual(
      next.map((r) => r.status),
      Array(10).fill(200),
    );
    report("origin resets mid-body", { status: cut.status, clientSaw: cut.error, bytes: cut.bytes, declared: MID_BODY_DECLARED_BYTES });
  });
});

/**
 * Load on a gate of its own with the default ORIGIN_TIMEOUT: the faults above need a 1 s
 * deadline, but on a loaded 2-core machine a healthy origin's slowest answers take longer
 * than that, and a 504 then says nothing about the gate.
 */
describe("the gate under load (wrangler dev)", () => {
  let origin;
  let gate;
  let cookie;
  const authed = (extra = {}) => ({ Cookie: cookie, ...JSON_ACCEPT, ...extra });

  before(async () => {
    applyOfflineEnv();
    origin = await startFaultOrigin();
    ({ gate, cookie } = await startSignedInGate(origin));
  });

  after(async () => {
    await gate?.stop();
    await origin?.stop();
  });

  it(`serves ${LOAD_SECONDS} s of load at ${CONNECTIONS} connections: no error, no lost request, steady memory`, {
    timeout: (LOAD_SECONDS + 60) * 1000,
  }, async () => {
    const pids = findWorkerdProcesses(gate.port);
    // Warm-up: JIT, key imports, the origin's sockets; not counted.
    await runLoad({ url: gate.url, headers: authed(), connections: CONNECTIONS, seconds: Math.min(5, LOAD_SECONDS) });
    origin.resetCount();
    const memory = sampleMemory(pids, MEMORY_SAMPLE_MS);
    const load = await runLoad({ url: gate.url, headers: authed(), connections: CONNECTIONS, seconds: LOAD_SECONDS });
    const { samples, exited } = memory.stop();
    assert.deepEqual(
      exited,
      [],
      `workerd exited during the load (${exited.join(", ")}): wrangler dev restarts the worker when a source file changes; run again on an unchanged tree`,
    );
    const worker = summariseMemory(samples.worker);
    const proxy = summariseMemory(samples.proxy);
    const growthKiBPerRequest = Math.round((((worker.last - worker.first) * 1024) / load.sent) * 10) / 10;
    report("gate load", { ...load, originCount: origin.count(), workerRssMiB: worker, proxyRssMiB: proxy, growthKiBPerRequest });
    report("gate load memory series (MiB, every 3 s)", { worker: samples.worker.map(Math.round), proxy: samples.proxy.map(Math.round) });

    assert.deepEqual(load.errors, {});
    assert.equal(load.failed, 0, `non-2xx answers: ${JSON.stringify(load.statuses)}`);
    assert.equal(origin.count(), load.ok, "every request the origin answered reached the client, and no other");
    const allowedMiB = HEAP_SIZING_MIB + (MAX_GROWTH_KIB_PER_REQUEST * load.sent) / 1024;
    assert.ok(
      worker.max - worker.first < allowedMiB,
      `worker RSS grew ${worker.first} -> ${worker.max} MiB over ${load.sent} requests (allowed: ${allowedMiB.toFixed(0)} MiB)`,
    );
  });
});
