#!/usr/bin/env node
// `npm run dev`: the whole product on this machine, offline. Writes .dev.vars if missing,
// applies D1 migrations, seeds demo@example.com, starts examples/origin and wrangler dev,
// prints where to go. Ctrl-C stops everything it started; the next run reuses .wrangler/state.
// Beside the auth host's protected page it serves two demo apps on *.localhost (APPS,
// scripts/lib/demo-apps.mjs); --single-app leaves APPS unset, the one implicit app.
//
//   npm run dev -- [--port 8787] [--origin-port 8788] [--single-app]     (or PORT / ORIGIN_PORT)
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEMO_EMAIL } from "./lib/demo-user.mjs";
import { devMailboxUrl } from "./lib/dev-mailbox.mjs";
import { readDevVars } from "./lib/dev-vars.mjs";
import { AUTH_PREFIX, DEFAULT_ORIGIN_PORT, DEFAULT_PORT, startLocalStack } from "./lib/local-stack.mjs";
import { applyOfflineEnv } from "./lib/offline-env.mjs";
import { parsePort } from "./lib/ports.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
/** How often to check that the process that started us is still there. */
const PARENT_CHECK_MS = 1000;

function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      "origin-port": { type: "string" },
      "single-app": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "usage: npm run dev -- [--port N] [--origin-port N] [--single-app]   (env PORT, ORIGIN_PORT; defaults 8787, 8788)\n" +
        "  --single-app   no demo apps on *.localhost: APPS stays unset, one app on every host",
    );
    process.exit(0);
  }
  const pick = (flag, envName, fallback) =>
    values[flag] !== undefined
      ? parsePort(values[flag], `--${flag}`)
      : process.env[envName]
        ? parsePort(process.env[envName], envName)
        : fallback;
  return {
    port: pick("port", "PORT", DEFAULT_PORT),
    originPort: pick("origin-port", "ORIGIN_PORT", DEFAULT_ORIGIN_PORT),
    demoApps: !values["single-app"],
  };
}

function printBanner(stack) {
  const publicUrl = stack.servedUrl;
  const secret = readDevVars(join(ROOT, ".dev.vars")).SESAME_SECRET ?? "";
  const width = Math.max(0, ...stack.apps.map((app) => app.url.length));
  const apps = stack.apps.map((app, i) => `  ${i === 0 ? "apps    " : "        "}  ${app.url.padEnd(width)}   ${app.note}`);
  // The CLI's default edge is http://localhost:8787 (docs/cli.md): name another one.
  const url = publicUrl === `http://localhost:${DEFAULT_PORT}` ? "" : ` --url ${publicUrl}`;
  const group = stack.demoGroup
    ? [`  admin     npm run admin --${url} groups add-member ${stack.demoGroup} ${DEMO_EMAIL}   (then sign in again)`]
    : [];
  console.log(
    [
      "",
      "  sesame-edge is running",
      `  open      ${publicUrl}/   (a protected page: you will be asked to sign in)`,
      ...apps,
      ...group,
      `  sign in   ${DEMO_EMAIL}`,
      `  the link  printed below, and at ${devMailboxUrl(publicUrl, AUTH_PREFIX, secret)}`,
      "  stop      Ctrl-C",
      "",
    ].join("\n"),
  );
}

async function main() {
  applyOfflineEnv();
  const options = readOptions(process.argv.slice(2));
  const starting = new AbortController();
  let stack = null;
  let stopping = false;
  const shutdown = async (exitCode) => {
    if (stopping) return;
    stopping = true;
    // Still starting: abort, and startLocalStack stops what it has started before it rejects.
    if (!stack) return starting.abort(new StartAborted());
    await stack.stop();
    process.exit(exitCode);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => shutdown(0));
  // The children lead their own process groups, so nothing else stops them: when whoever
  // started us (npm, a terminal, a test) goes away without a signal reaching us, stop too.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && shutdown(0), PARENT_CHECK_MS).unref();

  stack = await startLocalStack({
    root: ROOT,
    ...options,
    signal: starting.signal,
    onStatus: (line) => console.log(`dev: ${line}`),
  });
  for (const [name, child] of [
    ["wrangler dev", stack.worker],
    ["examples/origin", stack.origin],
  ]) {
    child.exited.then(({ code, signal }) => {
      if (stopping) return;
      console.error(`dev: ${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest`);
      shutdown(1).catch((error) => {
        console.error(`dev: could not stop the rest cleanly: ${error.message}`);
        process.exit(1);
      });
    });
  }

  printBanner(stack);
  stack.worker.forwardOutput(process.stdout, process.stderr);
  stack.origin.forwardOutput(process.stdout, process.stderr);
}

class StartAborted extends Error {
  message = "stopped while starting";
}

main().catch((error) => {
  if (error instanceof StartAborted) process.exit(0);
  console.error(`dev: ${error.message}`);
  process.exit(1);
});
