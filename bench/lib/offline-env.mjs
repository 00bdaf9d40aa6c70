// One definition of wrangler's offline switches, shared with the dev and deploy scripts.
export { applyOfflineEnv, WRANGLER_OFFLINE_ENV } from "../../scripts/lib/offline-env.mjs";
