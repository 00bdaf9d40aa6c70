/**
 * The admin command line: `<command> [subcommand] [positionals] [--flags]`. Every flag is
 * declared here once; each command then says which ones it takes, so a stray flag is an
 * error rather than silently ignored.
 */
import { parseArgs } from "node:util";
import { UsageError } from "./duration.mjs";

const FLAGS = {
  url: { type: "string" },
  token: { type: "string" },
  prefix: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  name: { type: "string" },
  email: { type: "string" },
  active: { type: "string" },
  scope: { type: "string" },
  "max-age": { type: "string" },
  "one-time": { type: "string" },
  path: { type: "string" },
  app: { type: "string" },
  "revoke-all": { type: "boolean" },
  limit: { type: "string" },
  "redirect-uri": { type: "string" },
  "post-logout-redirect-uri": { type: "string" },
  type: { type: "string" },
  "id-token-alg": { type: "string" },
  amr: { type: "string" },
  ip: { type: "string" },
  country: { type: "string" },
  method: { type: "string" },
  methods: { type: "string" },
};
/** Flags every command accepts. */
const GLOBAL_FLAGS = ["url", "token", "prefix", "json", "help"];

export function parseCommandLine(argv) {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: FLAGS, allowPositionals: true, strict: true });
    return { flags: values, positionals };
  } catch (error) {
    // node's messages are long and mention internals; the first sentence is the useful part.
    throw new UsageError(error.message.split(". ")[0].replace(/^Unknown option/, "unknown option"));
  }
}

/** Throws when a flag outside `allowed` (plus the global ones) was given. */
export function checkFlags(flags, allowed, commandName) {
  for (const flag of Object.keys(flags)) {
    if (!GLOBAL_FLAGS.includes(flag) && !allowed.includes(flag)) {
      throw new UsageError(`${commandName} does not take --${flag}`);
    }
  }
}

/** "true" or "false", nothing else: a typo must not flip an account's state. */
export function parseBooleanFlag(raw, flag) {
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new UsageError(`--${flag} must be true or false, got ${JSON.stringify(raw)}`);
}

export function requirePositional(positionals, index, what, commandName) {
  const value = positionals[index];
  if (value === undefined || value === "") throw new UsageError(`${commandName} needs ${what}`);
  return value;
}
