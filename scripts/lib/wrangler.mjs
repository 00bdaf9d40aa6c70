/**
 * wrangler, always the project's own binary started directly (never through npx: stopping
 * npx's PID leaves wrangler and workerd running), always with the offline switches.
 */
import { devNull } from "node:os";
import { join } from "node:path";
import { WRANGLER_OFFLINE_ENV } from "./offline-env.mjs";
import { runCommand, spawnGroup } from "./processes.mjs";

export function wranglerBin(root) {
  return join(root, "node_modules", ".bin", "wrangler");
}

export function wranglerEnv(extra = {}) {
  return { ...process.env, ...WRANGLER_OFFLINE_ENV, ...extra };
}

const persistArgs = (persistTo) => (persistTo ? ["--persist-to", persistTo] : []);

/** Applies migrations/ to the local D1 database (idempotent: applied ones are skipped). */
export function applyLocalMigrations(root, { persistTo } = {}) {
  return runCommand(wranglerBin(root), ["d1", "migrations", "apply", "DB", "--local", ...persistArgs(persistTo)], {
    cwd: root,
    env: wranglerEnv({ CI: "true" }),
  });
}

/** Runs one SQL statement against the local D1 database. */
export function executeLocalSql(root, sql, { persistTo } = {}) {
  return runCommand(wranglerBin(root), ["d1", "execute", "DB", "--local", ...persistArgs(persistTo), "--command", sql], {
    cwd: root,
    env: wranglerEnv(),
  });
}

/**
 * What keeps a test's `wrangler dev` off the developer's files: wrangler.toml named outright
 * (no redirect through .wrangler/deploy/), and the empty file as the only env file, so
 * wrangler reads neither .dev.vars nor .env; nor does it copy the shell's environment in.
 */
const ISOLATED_ARGS = (root) => ["--config", join(root, "wrangler.toml"), "--env-file", devNull];
const ISOLATED_ENV = { CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "false", CLOUDFLARE_INCLUDE_PROCESS_ENV: "false" };

/**
 * Starts `wrangler dev` on 127.0.0.1:`port` as its own process group.
 * `vars` become `--var KEY:VALUE` (they win over wrangler.toml and .dev.vars). With
 * `isolated` (tests), the worker sees wrangler.toml's [vars] and `vars`, nothing else.
 */
export function spawnWranglerDev(root, { port, inspectorPort, persistTo, vars = {}, logLevel, isolated = false } = {}) {
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false"];
  if (isolated) args.push(...ISOLATED_ARGS(root));
  if (inspectorPort) args.push("--inspector-port", String(inspectorPort));
  if (logLevel) args.push("--log-level", logLevel);
  args.push(...persistArgs(persistTo));
  for (const [key, value] of Object.entries(vars)) args.push("--var", `${key}:${value}`);
  return spawnGroup(wranglerBin(root), args, { cwd: root, env: wranglerEnv(isolated ? ISOLATED_ENV : {}) });
}
