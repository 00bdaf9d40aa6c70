#!/usr/bin/env node
// `npm run deploy`: applies D1 migrations to the remote database, then deploys the Worker
// (docs/deploy.md). Refuses a configuration that would be broken or unsafe in production.
//
//   npm run deploy [-- --env production]
//   npm run deploy -- --dry-run [--outdir DIR]   bundle only, print its size (CI; no account needed)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatKiB, measureBundle } from "./lib/bundle-size.mjs";
import { findDeployProblems } from "./lib/deploy-checks.mjs";
import { applyOfflineEnv } from "./lib/offline-env.mjs";
import { runCommand } from "./lib/processes.mjs";
import { wranglerBin, wranglerEnv } from "./lib/wrangler.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs wrangler with the terminal attached: a real deploy may ask to log in. */
function runWrangler(args) {
  return runCommand(wranglerBin(ROOT), args, { cwd: ROOT, env: wranglerEnv(), stdio: "inherit" });
}

async function dryRun(outdirOption, envArgs) {
  const outdir = outdirOption ?? mkdtempSync(join(tmpdir(), "sesame-bundle-"));
  try {
    await runCommand(wranglerBin(ROOT), ["deploy", "--dry-run", "--outdir", outdir, ...envArgs], { cwd: ROOT, env: wranglerEnv() });
    const { files, raw, gzip } = measureBundle(outdir);
    console.log(
      `deploy --dry-run: the bundle builds: ${files.join(", ")} ${formatKiB(raw)}, gzip ${formatKiB(gzip)} (Workers limit: 3 MiB gzip on Free, 10 MiB on Paid)`,
    );
  } finally {
    if (!outdirOption) rmSync(outdir, { recursive: true, force: true });
  }
}

async function deploy(envArgs, envName) {
  const { unstable_readConfig } = await import("wrangler");
  const config = unstable_readConfig({ config: join(ROOT, "wrangler.toml"), env: envName }, { hideWarnings: true });
  const problems = findDeployProblems(config);
  if (problems.length > 0) {
    throw new Error(
      `not deploying${envName ? ` (env ${envName})` : ""}, fix wrangler.toml first (docs/deploy.md):\n  - ${problems.join("\n  - ")}`,
    );
  }
  console.log("deploy: applying D1 migrations to the remote database");
  await runWrangler(["d1", "migrations", "apply", "DB", "--remote", ...envArgs]);
  console.log("deploy: deploying the Worker");
  await runWrangler(["deploy", ...envArgs]);
}

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: { env: { type: "string", short: "e" }, "dry-run": { type: "boolean" }, outdir: { type: "string" } },
  });
  const envArgs = values.env ? ["--env", values.env] : [];
  if (values["dry-run"]) await dryRun(values.outdir, envArgs);
  else await deploy(envArgs, values.env);
}

applyOfflineEnv();
main(process.argv.slice(2)).catch((error) => {
  console.error(`deploy: ${error.message.split("\n").slice(0, 12).join("\n")}`);
  process.exit(1);
});
