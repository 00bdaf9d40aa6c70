/** .dev.vars: the local secrets wrangler dev reads. Written once with fresh values, then kept. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fillTemplate, freshDevVars } from "../keys.mjs";

/**
 * Writes `<root>/.dev.vars` from `.dev.vars.example` with fresh secrets when it is missing,
 * ID token keys included, so the OpenID provider answers in development (docs/oidc.md).
 * An existing file is never touched: it may hold the developer's own settings, and
 * replacing its secrets would log everyone out of the local state.
 * Returns true when the file was written.
 */
export async function ensureDevVars(root) {
  const target = join(root, ".dev.vars");
  if (existsSync(target)) return false;
  const template = readFileSync(join(root, ".dev.vars.example"), "utf8");
  writeFileSync(target, fillTemplate(template, await freshDevVars()), { mode: 0o600 });
  return true;
}

/** Reads KEY=VALUE lines (comments and blank lines skipped; surrounding quotes removed). */
export function readDevVars(file) {
  if (!existsSync(file)) return {};
  const values = {};
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2].trim();
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    values[match[1]] = value;
  }
  return values;
}
