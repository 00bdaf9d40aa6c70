#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs in name order, each in its own workerd,
// and prints its table. `npm run bench -- tokens` runs only files whose name contains
// "tokens". A bench file exports `title` and a default `async function run({ log })`
// that prints its figures and returns them; shared helpers live in bench/lib/.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describeLoad, describeMachine } from "./lib/machine.mjs";
import { applyOfflineEnv } from "./lib/offline-env.mjs";
import { ROOT } from "./lib/paths.mjs";

applyOfflineEnv();

const filters = process.argv.slice(2);
const benchDir = join(ROOT, "bench");
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith(".bench.mjs"))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

if (files.length === 0) {
  console.error(`no bench/*.bench.mjs file matches ${filters.join(", ") || "(all)"}`);
  process.exit(1);
}

const machine = describeMachine();
console.log(`sesame-edge benchmarks, ${machine.date}`);
console.log(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);
console.log("figures are relative: compare each to the baseline measured in the same run\n");

const started = performance.now();
let failed = 0;
for (const file of files) {
  const benchStarted = performance.now();
  console.log(`== ${file} (${describeLoad()})`);
  try {
    const bench = await import(pathToFileURL(join(benchDir, file)).href);
    await bench.default({ log: console.log });
    console.log(`(${((performance.now() - benchStarted) / 1000).toFixed(1)} s; at the end: ${describeLoad()})\n`);
  } catch (error) {
    failed++;
    console.error(`${file} failed: ${error instanceof Error ? error.stack : error}\n`);
  }
}
console.log(`${files.length - failed} of ${files.length} benchmarks ran in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
