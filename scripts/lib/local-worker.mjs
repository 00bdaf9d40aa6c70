/**
 * A throw-away `wrangler dev` for tests: a free port, a fresh persist directory with the
 * migrations applied, wrangler.toml's [vars] and the variables given, and nothing from the
 * developer's .dev.vars or .env (tests bring their own secrets), stopped by its PID.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort } from "./ports.mjs";
import { stopGroup, waitForHttp } from "./processes.mjs";
import { applyLocalMigrations, spawnWranglerDev } from "./wrangler.mjs";

const READY_TIMEOUT_MS = 90_000;

/**
 * @param {{ root: string, vars?: Record<string, string>, authPrefix?: string }} options
 * @returns {Promise<{ url: string, port: number, persistTo: string, output: () => string, stop: () => Promise<void> }>}
 */
export async function startLocalWorker({ root, vars = {}, authPrefix = "/.sesame" }) {
  const persistTo = mkdtempSync(join(tmpdir(), "sesame-worker-"));
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  let worker;
  const stop = async () => {
    await stopGroup(worker);
    rmSync(persistTo, { recursive: true, force: true });
  };
  try {
    await applyLocalMigrations(root, { persistTo });
    worker = spawnWranglerDev(root, {
      port,
      inspectorPort: await findFreePort(),
      persistTo,
      logLevel: "warn",
      isolated: true,
      vars: { PUBLIC_URL: `http://localhost:${port}`, ...vars },
    });
    const keep = (chunk) => (output = (output + chunk).slice(-8000));
    worker.stdout.on("data", keep);
    worker.stderr.on("data", keep);
    await waitForHttp(`${url}${authPrefix}/health`, { child: worker, name: "wrangler dev", timeoutMs: READY_TIMEOUT_MS });
  } catch (error) {
    await stop();
    error.message += output ? `\n--- wrangler dev output ---\n${output}` : "";
    throw error;
  }
  return { url, port, persistTo, output: () => output, stop };
}
