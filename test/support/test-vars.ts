/**
 * The plain settings every test runs under, declared here rather than read from
 * wrangler.toml's [vars] or a developer's .dev.vars: a test that depends on another value
 * sets it itself (workerWith / edgeWith). Keys not named here take their defaults
 * (CONFIG_KEYS in src/config.ts). Shared by the Node-side set-up (test-env.ts) and the
 * tests inside workerd that check the worker sees exactly this.
 */
export const TEST_VARS = {
  APP_NAME: "sesame-edge",
  PUBLIC_URL: "http://localhost:8787",
  AUTH_PREFIX: "/.sesame",
  MAILER: "dev",
  MAIL_FROM: "login@example.com",
  SIGNUP: "closed",
  PUBLIC_PATHS: "/favicon.ico,/healthz",
  SESAME_SECRET_FALLBACKS: "",
  MAILCHANNELS_API_KEY: "",
} as const;

/** Generated for every run by test-env.ts (fresh secrets), or pointing at its loopback servers. */
export const TEST_GENERATED_KEYS = [
  "SESAME_SECRET",
  "ADMIN_TOKEN",
  "SIGNING_KEYS",
  "ORIGIN_URL",
  "WSGI_ORIGIN_URL",
  "MAILCHANNELS_API_URL",
  "TURNSTILE_VERIFY_URL",
] as const;

/**
 * Bindings that are not configuration: wrangler.toml's storage, its send_email binding (the
 * local simulator) and the migrations the set-up applies.
 */
export const TEST_STORAGE_BINDINGS = ["DB", "REVOKED", "EMAIL", "TEST_MIGRATIONS"] as const;
