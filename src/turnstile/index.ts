/** Cloudflare Turnstile: the widget's constants and the server-side check (docs/security.md). */
export {
  MAX_TURNSTILE_TOKEN_LENGTH,
  TURNSTILE_FIELD,
  TURNSTILE_ORIGIN,
  TURNSTILE_SCRIPT_URL,
  verifyTurnstile,
} from "./verify";
