/**
 * What `npm run dev` starts, on spare ports with a throw-away state directory and fresh
 * secrets of its own: the developer's .dev.vars, .env and .wrangler/state are never read
 * or written. `secrets` holds them (ADMIN_TOKEN for the admin API).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { freshSecrets } from "../../../scripts/keys.mjs";
import { startLocalStack } from "../../../scripts/lib/local-stack.mjs";
import { applyOfflineEnv } from "../../../scripts/lib/offline-env.mjs";
import { findFreePort } from "../../../scripts/lib/ports.mjs";

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * `extraVars`: worker variables on top of wrangler.toml's (e.g. Turnstile keys, SAME_DEVICE), or a
 * function of the stack's URLs (scripts/lib/local-stack.mjs);
 * `demoApps`: the demo apps on *.localhost that `npm run dev` serves (scripts/lib/demo-apps.mjs).
 */
export async function startDevStack({ extraVars = {}, demoApps = false } = {}) {
  applyOfflineEnv();
  const persistTo = mkdtempSync(join(tmpdir(), "sesame-e2e-"));
  const port = await findFreePort();
  let originPort = await findFreePort();
  while (originPort === port) originPort = await findFreePort();
  const secrets = await freshSecrets();
  const stack = await startLocalStack({ root: ROOT, port, originPort, persistTo, secrets, extraVars, demoApps });
  return {
    ...stack,
    secrets,
    async stop() {
      await stack.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
