import { randomInt } from "node:crypto";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineConfig } from "vitest/config";
import { startTestServers } from "./test/node/test-servers.ts";
import { testBindings, workerUnderTestOptions } from "./test/support/test-env.ts";

/**
 * The suites that take minutes (generated hostile input, concurrency): `npm run test:hostile`,
 * never part of `npm test`. The reliability scenarios that take seconds (storage and mail
 * faults, secret rotation) run in `npm test`: they keep docs/security.md's fail-closed promises.
 */
const HOSTILE_SUITES = ["test/hostile/*.test.ts", "test/reliability/concurrency.test.ts"];
/** One seed per run for every generator (printed by each surface); HOSTILE_SEED replays a run. */
const HOSTILE_SEED = process.env.HOSTILE_SEED?.trim() || String(randomInt(2 ** 32));

/**
 * The worker under test inside workerd, against real local D1/KV and the loopback test
 * servers. Its variables are exactly the set-up's (test/support/test-env.ts): whatever a
 * developer keeps in .dev.vars, .env or .wrangler/ never reaches it.
 */
const workerUnderTest = (extra: Record<string, string> = {}) =>
  cloudflareTest(async () => ({
    main: "./src/index.ts",
    miniflare: workerUnderTestOptions(".", {
      ...(await testBindings(await startTestServers())),
      ...extra,
      TEST_MIGRATIONS: await readD1Migrations("./migrations"),
    }),
  }));

export default defineConfig({
  test: {
    // `npm run test:coverage` (docs/testing.md): line and branch coverage of src/ under `npm test`.
    coverage: {
      provider: "istanbul",
      include: ["src/**/*.{ts,tsx}"],
      exclude: ["src/**/*.test.ts", "src/**/*.d.ts"],
      reporter: ["text-summary", "html"],
      reportsDirectory: "coverage",
      thresholds: {
        lines: 95,
        branches: 88,
        // The request path's security decisions: every branch is exercised, or its ignore
        // comment says why it cannot be (docs/testing.md).
        "src/gate/**": { branches: 100 },
        "src/tokens/**": { branches: 100 },
        "src/sessions/**": { branches: 100 },
      },
    },
    projects: [
      {
        // The worker and everything that runs inside workerd, against real local D1/KV.
        plugins: [workerUnderTest()],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts", "src/**/*.test.ts"],
          // Node-side tests (node:http servers, child processes) belong to the "node" project;
          // the minutes-long hostile and concurrency suites to the "hostile" project.
          exclude: [...configDefaults.exclude, "test/node/**", ...HOSTILE_SUITES],
          setupFiles: ["./test/support/apply-migrations.ts"],
          testTimeout: 20_000,
        },
      },
      {
        // Code that runs on Node: the origin library's adapters, examples/origin, scripts.
        test: {
          name: "node",
          environment: "node",
          include: ["test/node/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        // Generated hostile input, concurrency, load and faults (docs/reliability.md): the
        // same worker set-up as "workers", with minutes-long tests.
        plugins: [workerUnderTest({ HOSTILE_SEED })],
        test: {
          name: "hostile",
          include: HOSTILE_SUITES,
          // Two files at once, each in a workerd of its own: one workerd runs on one core,
          // so a file at a time left the second core idle (docs/reliability.md). Its own
          // group, as vitest requires of a project with another maxWorkers.
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
          setupFiles: ["./test/support/apply-migrations.ts"],
          testTimeout: 600_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
