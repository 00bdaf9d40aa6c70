/**
 * Starts a worker inside workerd through wrangler's programmatic API (the same runtime as
 * `wrangler dev`), on 127.0.0.1 and a free port, with no persistence, watcher or (unless asked)
 * inspector.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { unstable_startWorker } from "wrangler";
import { applyOfflineEnv } from "./offline-env.mjs";
import { ROOT } from "./paths.mjs";

/** The project's compatibility date, so bench workers run with the product's runtime semantics. */
function projectCompatibilityDate() {
  const toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8");
  const match = toml.match(/^compatibility_date\s*=\s*"([^"]+)"/m);
  if (!match) throw new Error("wrangler.toml has no compatibility_date");
  return match[1];
}

/**
 * @param {object} options
 * @param {string} [options.entrypoint] a worker module, relative to the project root
 * @param {string} [options.config] a wrangler config file instead (bindings, vars, main)
 * @param {Record<string, unknown>} [options.bindings] extra bindings, e.g. { X: { type: "plain_text", value: "1" } }
 * @param {string | false} [options.persist] a state directory for D1/KV, or false (default)
 * @param {number | null} [options.inspectorPort] a port for the V8 inspector (the memory bench reads the heap through it), or none (default)
 * @returns {Promise<{ url: URL, fetch: (path: string, init?: RequestInit) => Promise<Response>, stop: () => Promise<void> }>}
 */
export async function startWorker({ entrypoint, config, bindings, persist = false, inspectorPort = null } = {}) {
  applyOfflineEnv();
  const worker = await unstable_startWorker({
    ...(config ? { config: join(ROOT, config) } : { compatibilityDate: projectCompatibilityDate() }),
    ...(entrypoint && { entrypoint: join(ROOT, entrypoint) }),
    ...(bindings && { bindings }),
    dev: {
      server: { hostname: "127.0.0.1", port: 0 },
      inspector: inspectorPort ? { port: inspectorPort } : false,
      watch: false,
      liveReload: false,
      persist,
      logLevel: "warn",
    },
  });
  await worker.ready;
  const url = await worker.url;
  return {
    url,
    inspectorUrl: inspectorPort ? worker.inspectorUrl : null,
    fetch: (path, init) => fetch(new URL(path, url), init),
    stop: () => worker.dispose(),
  };
}

/** A JSON answer from a started worker; a non-2xx status stops the benchmark with its body. */
export async function fetchJson(worker, path, init) {
  const res = await worker.fetch(path, init);
  const text = await res.text();
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}
