/**
 * The configuration under test is exactly what the test set-up declares
 * (test/support/test-vars.ts, test-env.ts): a developer's .dev.vars (a LAN PUBLIC_URL,
 * SIGNUP=open, keys added later) or wrangler.toml's [vars] never change what a test sees.
 * CI runs the suite with a deliberately different .dev.vars to keep this true
 * (.ci/run); test/node/test-setup.test.ts shows the set-up never reads one.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { TEST_GENERATED_KEYS, TEST_STORAGE_BINDINGS, TEST_VARS } from "./support/test-vars";

/** The pool's own plumbing, beside the worker's bindings. */
const POOL_INTERNAL = /^__VITEST_POOL_WORKERS_/;

describe("the worker under test", () => {
  it("sees exactly the variables the test set-up declares, and no other key", () => {
    const declared = [...Object.keys(TEST_VARS), ...TEST_GENERATED_KEYS, ...TEST_STORAGE_BINDINGS];
    const seen = Object.keys(env).filter((key) => !POOL_INTERNAL.test(key));
    expect(seen.sort()).toEqual(declared.sort());
  });

  it("sees the declared values, not a developer's", () => {
    expect({ ...env }).toMatchObject(TEST_VARS);
  });
});
