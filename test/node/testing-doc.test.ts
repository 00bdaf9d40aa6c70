/**
 * docs/testing.md states the coverage thresholds and what `npm run check` and
 * `npm run test:coverage` run; these tests hold it to vitest.config.ts and package.json.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");

/** Scope -> { lines?, branches? } from vitest.config.ts's coverage.thresholds block. */
function configThresholds(): Record<string, { lines?: number; branches?: number }> {
  const block = /thresholds:\s*\{([\s\S]*?)\n\s{6}\},/.exec(read("vitest.config.ts"))?.[1];
  if (!block) throw new Error("no coverage.thresholds block in vitest.config.ts");
  const result: Record<string, { lines?: number; branches?: number }> = { "src/": {} };
  for (const [, key, value] of block.matchAll(/^\s*(lines|branches): (\d+),/gm)) result["src/"]![key as "lines"] = Number(value);
  for (const [, glob, body] of block.matchAll(/"(src\/[\w-]+\/)\*\*": \{([^}]*)\}/g)) {
    result[glob!] = Object.fromEntries([...body!.matchAll(/(lines|branches): (\d+)/g)].map(([, k, v]) => [k, Number(v)]));
  }
  return result;
}

/** The same, from the table under "### Thresholds" in docs/testing.md. */
function documentedThresholds(): Record<string, { lines?: number; branches?: number }> {
  const section = read("docs/testing.md")
    .split("### Thresholds")[1]!
    .split("\n\n")
    .find((part) => part.startsWith("| scope"));
  if (!section) throw new Error("no thresholds table in docs/testing.md");
  const result: Record<string, { lines?: number; branches?: number }> = {};
  for (const row of section.split("\n").slice(2)) {
    const [scope, lines, branches] = row
      .split("|")
      .slice(1, 4)
      .map((cell) => cell.trim());
    const key = scope === "all of `src/`" ? "src/" : scope!.replace(/`/g, "");
    result[key] = {
      ...(lines ? { lines: Number.parseInt(lines, 10) } : {}),
      ...(branches ? { branches: Number.parseInt(branches, 10) } : {}),
    };
  }
  return result;
}

describe("docs/testing.md", () => {
  it("lists the coverage thresholds vitest.config.ts enforces, folder by folder", () => {
    const configured = configThresholds();
    expect(configured["src/"]).toEqual({ lines: 95, branches: 88 });
    expect(documentedThresholds()).toEqual(configured);
  });

  it("describes npm run check and npm run test:coverage as package.json defines them", () => {
    const { scripts } = JSON.parse(read("package.json")) as { scripts: Record<string, string> };
    expect(scripts["test:coverage"]).toBe("npm test -- --coverage");
    expect(scripts.check).toBe("npm run lint && npm run knip && npm run typecheck && npm test");
    const steps = [...read("docs/testing.md").matchAll(/^\d\. `(npm [^`]+)`/gm)].map((m) => m[1]);
    expect(steps).toEqual(["npm run lint", "npm run knip", "npm run typecheck", "npm test"]);
  });
});
