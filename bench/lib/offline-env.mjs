// One definition of wrangler's offline switches, shared with the dev and deploy scripts.
export { applyOfflineEnv } from "../../scripts/lib/offline-env.mjs";
