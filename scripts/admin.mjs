#!/usr/bin/env node
// `npm run admin -- <command>`: the admin API from a terminal (docs/cli.md).
// The token comes from --token, then ADMIN_TOKEN, then .dev.vars; the edge from --url,
// then SESAME_URL, then http://localhost:8787 (what `npm run dev` serves).
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCommandLine } from "./lib/admin/args.mjs";
import { AdminApiError, ConnectionError, createAdminClient } from "./lib/admin/client.mjs";
import { runCommand, usageText } from "./lib/admin/commands.mjs";
import { UsageError } from "./lib/admin/duration.mjs";
import { readDevVars } from "./lib/dev-vars.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DEFAULT_URL = "http://localhost:8787";

function resolveConnection(flags) {
  const url = flags.url ?? process.env.SESAME_URL ?? DEFAULT_URL;
  try {
    if (!/^https?:$/.test(new URL(url).protocol)) throw new Error();
  } catch {
    throw new UsageError(`--url must be an http(s) URL, got ${JSON.stringify(url)}`);
  }
  const token = flags.token ?? process.env.ADMIN_TOKEN ?? readDevVars(join(ROOT, ".dev.vars")).ADMIN_TOKEN;
  if (!token) throw new UsageError("no admin token: pass --token, set ADMIN_TOKEN, or run npm run dev once to write .dev.vars");
  return { url, token, prefix: flags.prefix ?? "/.sesame" };
}

async function main(argv) {
  const { flags, positionals } = parseCommandLine(argv);
  if (flags.help || positionals[0] === "help") {
    console.log(usageText());
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("no command given (try --help)");
  const client = createAdminClient(resolveConnection(flags));
  const result = await runCommand({ client, flags, positionals });
  if (flags.json) {
    console.log(JSON.stringify(result.json, null, 2));
  } else {
    console.log(result.text);
    if (result.note) console.error(result.note);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    // One line, always: scripts read the exit code, people read the line.
    const known = error instanceof UsageError || error instanceof AdminApiError || error instanceof ConnectionError;
    console.error(`admin: ${known ? error.message : `unexpected error: ${error.message}`}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
