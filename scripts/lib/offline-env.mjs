/**
 * wrangler and workerd reach out to the network unless told not to (update check,
 * metrics, error reports, the request.cf download). With these set they make no outside
 * connection at all, so every script starts its children with them.
 */
export const WRANGLER_OFFLINE_ENV = Object.freeze({
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  WRANGLER_HIDE_BANNER: "true",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
});

/** Sets the offline switches on this process too, so anything it runs inherits them. */
export function applyOfflineEnv() {
  Object.assign(process.env, WRANGLER_OFFLINE_ENV);
}
