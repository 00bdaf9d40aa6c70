/**
 * The entry files of npm run dev and npm run admin load: a name one module stops exporting while another still
 * imports it fails at link time, before any code runs, and only when the script is started.
 * `--help` makes each one print its usage and exit without starting anything.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const SCRIPTS = ["scripts/dev.mjs", "scripts/admin.mjs"];

describe("the npm scripts' entry files", () => {
  it.each(SCRIPTS)("%s loads and answers --help", (script) => {
    const run = spawnSync(process.execPath, [script, "--help"], { encoding: "utf8", timeout: 15_000 });
    expect(run.stderr).not.toMatch(/SyntaxError|does not provide an export/);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/usage/i);
  });
});
