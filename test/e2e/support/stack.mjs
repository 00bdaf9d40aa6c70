/** What `npm run dev` starts, on spare ports with a throw-away state directory. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLocalStack } from "../../../scripts/lib/local-stack.mjs";
import { applyOfflineEnv } from "../../../scripts/lib/offline-env.mjs";
import { findFreePort } from "../../../scripts/lib/ports.mjs";

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

export async function startDevStack() {
  applyOfflineEnv();
  const persistTo = mkdtempSync(join(tmpdir(), "sesame-e2e-"));
  const port = await findFreePort();
  let originPort = await findFreePort();
  while (originPort === port) originPort = await findFreePort();
  const stack = await startLocalStack({ root: ROOT, port, originPort, persistTo });
  return {
    ...stack,
    async stop() {
      await stack.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
