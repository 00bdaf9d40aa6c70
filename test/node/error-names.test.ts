/**
 * Error names as deployed. wrangler bundles the worker with esbuild, without keepNames
 * (wrangler.toml), and esbuild may rename a class in the bundle: `class _X` when the class
 * refers to itself, `X2` when another module has an `X`. A name taken from the class itself
 * would then read `_BadRequestError` in logs and stack traces. So the errors are bundled here
 * the way wrangler bundles them, and every one must still carry its own name.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The error classes, bundled as wrangler.toml has wrangler bundle the worker. */
async function bundledErrors(): Promise<Record<string, unknown>> {
  const toml = readFileSync(`${ROOT}/wrangler.toml`, "utf8");
  const result = await build({
    stdin: {
      contents: ['export * from "./src/errors.ts";', 'export { TooManyGroupsError } from "./src/groups/session-groups.ts";'].join("\n"),
      resolveDir: ROOT,
      loader: "ts",
    },
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    external: ["cloudflare:*"],
    keepNames: !/^keep_names\s*=\s*false/m.test(toml),
  });
  const code = result.outputFiles.map((file) => file.text).join("\n");
  return import(`data:text/javascript;base64,${Buffer.from(code).toString("base64")}`);
}

it("gives every error of ours its own class name in the deployed bundle, whatever esbuild renames", async () => {
  const errors = await bundledErrors();
  const AppError = errors.AppError as new () => Error;
  const classes = Object.entries(errors).filter(
    (entry): entry is [string, new () => Error] =>
      typeof entry[1] === "function" && (entry[1] === AppError || entry[1].prototype instanceof AppError),
  );
  expect(classes.map(([name]) => name)).toContain("BadRequestError");
  for (const [name, ErrorClass] of classes) expect(new ErrorClass().name, name).toBe(name);
});
