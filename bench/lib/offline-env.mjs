// One definition of wrangler's offline switches, shared with the dev and deploy scripts.
export { WRANGLER_OFFLINE_ENV, applyOfflineEnv } from "../../scripts/lib/offline-env.mjs";
