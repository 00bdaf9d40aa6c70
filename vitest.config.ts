import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineConfig } from "vitest/config";
import { startTestServers } from "./test/node/test-servers.ts";
import { testBindings } from "./test/support/test-env.ts";

export default defineConfig({
  test: {
    projects: [
      {
        // The worker and everything that runs inside workerd, against real local D1/KV.
        plugins: [
          cloudflareTest(async () => ({
            main: "./src/index.ts",
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                ...(await testBindings(await startTestServers())),
                TEST_MIGRATIONS: await readD1Migrations("./migrations"),
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts", "src/**/*.test.ts"],
          // Node-side tests (node:http servers, child processes) belong to the "node" project.
          exclude: [...configDefaults.exclude, "test/node/**"],
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
    ],
  },
});
