/**
 * Starts what `npm run dev` runs, for the dev script and the end-to-end test alike:
 * local secrets, D1 migrations, the demo user, examples/origin and `wrangler dev`, then
 * waits until both answer. Nothing here reaches beyond 127.0.0.1.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DEMO_APP_NOTES, DEMO_GROUP, demoApps, demoAppUrl } from "./demo-apps.mjs";
import { DEMO_EMAIL, seedDemoUser } from "./demo-user.mjs";
import { ensureDevVars, readDevVars } from "./dev-vars.mjs";
import { assertPortFree, findFreePort } from "./ports.mjs";
import { runCommand, spawnGroup, stopGroup, waitForHttp } from "./processes.mjs";
import { applyLocalMigrations, spawnWranglerDev, wranglerBin, wranglerEnv } from "./wrangler.mjs";

export const DEFAULT_PORT = 8787;
export const DEFAULT_ORIGIN_PORT = 8788;
/** The default AUTH_PREFIX (wrangler.toml): health check and mailbox live under it. */
export const AUTH_PREFIX = "/.sesame";
const ORIGIN_ENTRY = join("examples", "origin", "server.mjs");
/** wrangler dev answers within a few seconds; a cold first bundle on a busy 2-core box takes longer. */
const READY_TIMEOUT_MS = 90_000;
/** How much of a child's output to keep for the error message when it fails to start. */
const KEPT_OUTPUT_CHARS = 8000;

/**
 * @param {object} options
 * @param {string} options.root             the repository root
 * @param {number} [options.port]           worker port (8787)
 * @param {number} [options.originPort]     examples/origin port (8788)
 * @param {string} [options.persistTo]      local state directory (wrangler's default .wrangler/state)
 * @param {(message: string) => void} [options.onStatus]  progress lines
 * @param {string} [options.logLevel]       wrangler --log-level
 * @param {Record<string, string>} [options.secrets]  tests: the worker's secrets; .dev.vars
 *   is then neither written nor read, nor is .env (the worker sees wrangler.toml and these)
 * @param {AbortSignal} [options.signal]    aborting stops whatever has started and rejects
 * @param {Record<string, string> | ((urls: { publicUrl: string, originUrl: string }) => Record<string, string>)} [options.extraVars]
 *   more worker variables (tests: Turnstile, SAME_DEVICE, a brand), or a function of the
 *   stack's URLs for settings that name them (APPS)
 * @param {boolean} [options.demoApps]      serve the demo apps of demo-apps.mjs (APPS), unless
 *   apps.json, .dev.vars or extraVars already set APPS
 */
export async function startLocalStack({
  root,
  port = DEFAULT_PORT,
  originPort = DEFAULT_ORIGIN_PORT,
  persistTo,
  onStatus = () => {},
  logLevel,
  secrets,
  signal,
  extraVars = {},
  demoApps: withDemoApps = false,
}) {
  if (port === originPort) throw new Error(`the worker and the origin need different ports (both ${port})`);
  if (!existsSync(wranglerBin(root))) throw new Error("node_modules/.bin/wrangler is missing: run npm install first");
  if (!existsSync(join(root, ORIGIN_ENTRY))) throw new Error(`${ORIGIN_ENTRY} is missing: the example origin app is not in this checkout`);
  await assertPortFree(port, "worker, --port / PORT");
  await assertPortFree(originPort, "origin, --origin-port / ORIGIN_PORT");

  if (!secrets && (await ensureDevVars(root))) onStatus("wrote .dev.vars with fresh secrets (git-ignored; kept for later runs)");
  await buildOriginIfScripted(root, onStatus);

  const publicUrl = `http://localhost:${port}`;
  const originUrl = `http://127.0.0.1:${originPort}`;
  const servedUrl = servedPublicUrl(root, port, secrets !== undefined);
  const givenVars = typeof extraVars === "function" ? extraVars({ publicUrl, originUrl }) : extraVars;
  const ownApps = appsAlreadySet(root, secrets !== undefined, givenVars);
  const authHost = new URL(servedUrl).hostname;
  if (withDemoApps && ownApps) onStatus(`APPS is set (${ownApps}): serving those apps, not the demo ones`);
  // An IPv6 literal is no host name an app can list: the auth host then stays the one app.
  else if (withDemoApps && authHost.startsWith("[")) onStatus(`PUBLIC_URL's host ${authHost} cannot be an app: no demo apps`);
  const apps = withDemoApps && !ownApps && !authHost.startsWith("[") ? demoApps({ authHost, originUrl }) : null;
  const children = [];
  const stop = () => Promise.all(children.map((child) => stopGroup(child)));
  // Ctrl-C while starting: stop the children now; the waits below then fail and clean up.
  signal?.addEventListener("abort", stop, { once: true });
  try {
    // The origin needs nothing from the worker to start (it fetches the JWKS on first use).
    const origin = spawnGroup(process.execPath, [ORIGIN_ENTRY], {
      cwd: root,
      env: {
        ...process.env,
        ORIGIN_PORT: String(originPort),
        SESAME_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        SESAME_ISSUER: publicUrl,
        SESAME_AUDIENCE: originUrl,
      },
    });
    children.push(keepOutput(origin, "origin"));

    onStatus("applying D1 migrations (local)");
    await applyLocalMigrations(root, { persistTo });
    await seedDemoUser(root, { persistTo, group: apps ? DEMO_GROUP : undefined });
    signal?.throwIfAborted();

    // Defaults are already in wrangler.toml; other ports need matching URLs. The demo user
    // is the first admin (ADMIN_EMAILS seeds ADMIN_GROUP while it does not exist: docs/admin-console.md).
    const vars = { ADMIN_EMAILS: DEMO_EMAIL, ...secrets, ...givenVars };
    if (port !== DEFAULT_PORT) vars.PUBLIC_URL = publicUrl;
    if (originPort !== DEFAULT_ORIGIN_PORT) vars.ORIGIN_URL = originUrl;
    if (apps) vars.APPS = JSON.stringify(apps);
    onStatus("starting wrangler dev");
    const worker = spawnWranglerDev(root, {
      port,
      // A free inspector port, so two local stacks (dev and a test run) never collide on 9229.
      inspectorPort: await findFreePort(),
      persistTo,
      vars,
      logLevel,
      isolated: secrets !== undefined,
    });
    children.push(keepOutput(worker, "wrangler dev"));

    await Promise.all([
      waitForHttp(`${originUrl}/healthz`, { child: origin, name: "examples/origin", timeoutMs: READY_TIMEOUT_MS }),
      waitForHttp(`http://127.0.0.1:${port}${AUTH_PREFIX}/health`, { child: worker, name: "wrangler dev", timeoutMs: READY_TIMEOUT_MS }),
    ]);
    signal?.throwIfAborted();
    // The auth host's own app is the protected page of PUBLIC_URL; the others are listed.
    const demo = (apps ?? []).slice(1).map((app) => ({ name: app.name, url: demoAppUrl(app, port), note: DEMO_APP_NOTES[app.name] }));
    return {
      publicUrl,
      servedUrl,
      originUrl,
      mailboxUrl: `${publicUrl}${AUTH_PREFIX}/dev/mailbox`,
      apps: demo,
      demoGroup: apps ? DEMO_GROUP : null,
      worker,
      origin,
      stop,
    };
  } catch (error) {
    await stop();
    if (signal?.aborted) throw signal.reason;
    const output = children
      .map((child) => child.keptOutput())
      .filter(Boolean)
      .join("\n");
    if (output) error.message += `\n--- output so far ---\n${output}`;
    throw error;
  } finally {
    signal?.removeEventListener("abort", stop);
  }
}

/**
 * PUBLIC_URL as the worker sees it: a PUBLIC_URL in .dev.vars (a LAN address, say) wins over
 * wrangler.toml's, unless another --port made the stack set its own; tests (`isolated`)
 * never read .dev.vars.
 */
function servedPublicUrl(root, port, isolated) {
  const fromDevVars = isolated ? undefined : readDevVars(join(root, ".dev.vars")).PUBLIC_URL;
  return ((port === DEFAULT_PORT && fromDevVars) || `http://localhost:${port}`).replace(/\/+$/, "");
}

/** Where APPS is already set, if anywhere: apps.json (bundled), .dev.vars, or the caller's variables. */
function appsAlreadySet(root, isolated, extraVars) {
  if (JSON.parse(readFileSync(join(root, "apps.json"), "utf8")) !== null) return "apps.json";
  if (!isolated && readDevVars(join(root, ".dev.vars")).APPS) return ".dev.vars";
  return extraVars.APPS !== undefined ? "the variables given" : null;
}

/**
 * Runs `npm run build:origin` when the package defines it and dist/origin is missing or
 * older than src/origin (npm install builds it once; a rebuild is only needed after edits).
 */
async function buildOriginIfScripted(root, onStatus) {
  const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts ?? {};
  if (!scripts["build:origin"]) return;
  if (newestMtime(join(root, "dist", "origin")) >= newestMtime(join(root, "src", "origin"))) return;
  onStatus("building the origin library (npm run build:origin)");
  await runCommand("npm", ["run", "--silent", "build:origin"], { cwd: root, env: wranglerEnv() });
}

/** The newest modification time of any file under `dir` (0 when it does not exist). */
function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

/**
 * Keeps the tail of a child's output until someone takes over its streams: on a failed
 * start it goes into the error message; afterwards `forwardOutput` streams it live.
 */
function keepOutput(child, name) {
  let kept = "";
  const keep = (chunk) => {
    kept = (kept + chunk).slice(-KEPT_OUTPUT_CHARS);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.keptOutput = () => (kept.trim() ? `[${name}]\n${kept.trim()}` : "");
  child.forwardOutput = (stdout, stderr) => {
    child.stdout.off("data", keep);
    child.stderr.off("data", keep);
    child.stdout.pipe(stdout, { end: false });
    child.stderr.pipe(stderr, { end: false });
  };
  return child;
}
