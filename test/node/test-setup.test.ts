/**
 * The worker set-up of the vitest projects (test/support/test-env.ts) against a checkout
 * full of a developer's local files: it takes wrangler.toml's bindings and reads none of
 * them, so the worker under test sees exactly the variables the set-up declares.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerUnderTestOptions } from "../support/test-env";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DECLARED = { PUBLIC_URL: "http://localhost:8787", SIGNUP: "closed" };

let checkout: string;

beforeAll(() => {
  checkout = mkdtempSync(join(tmpdir(), "sesame-setup-"));
  copyFileSync(join(ROOT, "wrangler.toml"), join(checkout, "wrangler.toml"));
  // A .dev.vars that cannot be read at all (a directory): wrangler throws if it tries.
  mkdirSync(join(checkout, ".dev.vars"));
  writeFileSync(join(checkout, ".dev.vars.test"), "PUBLIC_URL=http://192.168.1.10:8787\nDEV_VARS_MARKER=leaked\n");
  writeFileSync(join(checkout, ".env"), "SIGNUP=open\nDOT_ENV_MARKER=leaked\n");
  mkdirSync(join(checkout, ".wrangler", "deploy"), { recursive: true });
  writeFileSync(join(checkout, ".wrangler", "deploy", "config.json"), '{"configPath":"../../elsewhere.json"}');
});

afterAll(() => rmSync(checkout, { recursive: true, force: true }));

describe("the worker under test's options", () => {
  it("hold exactly the declared variables, reading no .dev.vars, .env or process.env", () => {
    const saved = { ...process.env };
    process.env.CLOUDFLARE_INCLUDE_PROCESS_ENV = "true";
    process.env.PROCESS_ENV_MARKER = "leaked";
    try {
      const options = workerUnderTestOptions(checkout, DECLARED);
      expect(options.bindings).toEqual(DECLARED);
    } finally {
      process.env = saved;
    }
  });

  it("take D1, KV and the compatibility date from wrangler.toml", () => {
    const options = workerUnderTestOptions(checkout, DECLARED);
    expect(Object.keys(options.d1Databases ?? {})).toEqual(["DB"]);
    expect(Object.keys(options.kvNamespaces ?? {})).toEqual(["REVOKED"]);
    expect(options.compatibilityDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("leave wrangler's own switches as they found them", () => {
    const before = process.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV;
    workerUnderTestOptions(checkout, DECLARED);
    expect(process.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV).toBe(before);
  });
});
