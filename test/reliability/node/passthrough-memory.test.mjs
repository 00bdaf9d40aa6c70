/**
 * The memory baseline for gate-under-load.test.mjs: a bare pass-through worker
 * (bench/workers/passthrough.ts) under `wrangler dev`, the same load, the same sampling.
 * What its workerd grows by is the local runtime's, not the product's. Off by default (it
 * adds a minute); RELIABILITY_LOAD_BASELINE=1 runs it.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { applyOfflineEnv } from "../../../scripts/lib/offline-env.mjs";
import { findFreePort } from "../../../scripts/lib/ports.mjs";
import { spawnGroup, stopGroup, waitForHttp } from "../../../scripts/lib/processes.mjs";
import { wranglerBin, wranglerEnv } from "../../../scripts/lib/wrangler.mjs";
import { startFaultOrigin } from "./lib/fault-origin.mjs";
import { runLoad } from "./lib/load.mjs";
import { findWorkerdProcesses, sampleMemory, summariseMemory } from "./lib/workerd-memory.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const LOAD_SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.RELIABILITY_LOAD_CONNECTIONS ?? 20);
const report = (scenario, figures) => console.log(`[reliability] ${scenario} ${JSON.stringify(figures)}`);

describe("baseline: a bare pass-through worker under wrangler dev", { skip: !process.env.RELIABILITY_LOAD_BASELINE }, () => {
  let origin;
  let child;
  let url;

  before(async () => {
    applyOfflineEnv();
    origin = await startFaultOrigin();
    const port = await findFreePort();
    url = `http://127.0.0.1:${port}`;
    const args = [
      "dev",
      "bench/workers/passthrough.ts",
      "--port",
      String(port),
      "--ip",
      "127.0.0.1",
      "--show-interactive-dev-session=false",
    ];
    args.push("--log-level", "warn", "--inspector-port", String(await findFreePort()), "--var", `ORIGIN_URL:${origin.url}`);
    child = spawnGroup(wranglerBin(ROOT), args, { cwd: ROOT, env: wranglerEnv() });
    await waitForHttp(`${url}/ready`, { child, name: "wrangler dev (pass-through)", timeoutMs: 90_000 });
  });

  after(async () => {
    await stopGroup(child);
    await origin?.stop();
  });

  it(`reports its workerd's memory over ${LOAD_SECONDS} s at ${CONNECTIONS} connections`, {
    timeout: (LOAD_SECONDS + 60) * 1000,
  }, async () => {
    const pids = findWorkerdProcesses(Number(new URL(url).port));
    await runLoad({ url, headers: {}, connections: CONNECTIONS, seconds: Math.min(5, LOAD_SECONDS) });
    const memory = sampleMemory(pids, 3000);
    const load = await runLoad({ url, headers: {}, connections: CONNECTIONS, seconds: LOAD_SECONDS });
    const { samples, exited } = memory.stop();
    assert.deepEqual(exited, []);
    const worker = summariseMemory(samples.worker);
    const growthKiBPerRequest = Math.round((((worker.last - worker.first) * 1024) / load.sent) * 10) / 10;
    report("pass-through load (baseline)", {
      ...load,
      workerRssMiB: worker,
      proxyRssMiB: summariseMemory(samples.proxy),
      growthKiBPerRequest,
    });
    assert.equal(load.failed, 0);
  });
});
