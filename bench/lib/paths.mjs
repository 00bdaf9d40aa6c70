import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The project root (the folder holding package.json and wrangler.toml). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
