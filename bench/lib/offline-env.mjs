/**
 * wrangler reaches the network for metrics, error reports and the `request.cf` download
 * unless told not to; a benchmark must not depend on (or be slowed by) any of that.
 */
export const WRANGLER_OFFLINE_ENV = {
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

/** Sets the offline switches on this process, so every wrangler API call made from it inherits them. */
export function applyOfflineEnv() {
  Object.assign(process.env, WRANGLER_OFFLINE_ENV);
}
