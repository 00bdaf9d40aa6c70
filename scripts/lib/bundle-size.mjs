/** The size Cloudflare counts against the Worker limit: the gzip of the bundled script. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** Sums the .js/.mjs/.wasm files wrangler wrote to `outdir` (source maps are not uploaded as code). */
export function measureBundle(outdir) {
  let raw = 0;
  let gzip = 0;
  const files = readdirSync(outdir).filter((name) => /\.(m?js|wasm)$/.test(name));
  for (const name of files) {
    const bytes = readFileSync(join(outdir, name));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { files, raw, gzip };
}

export const formatKiB = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
