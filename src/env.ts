import type { Context } from "hono";
import type { CompiledApp } from "./access";
import type { TokenDeps } from "./auth/token-service";
import type { Config } from "./config";
import type { Database } from "./db/client";
import type { Site } from "./pages/site";

/** Hono's typed context: bindings from wrangler.toml, and what middleware sets per request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    db: Database;
    /** The app serving the request's host; null on the auth host when it is not an app. */
    app: CompiledApp | null;
    /** The request's URL, parsed once (app.ts). */
    url: URL;
    /** The page context of this request, made on first use by `siteOf` (routes/auth-context.ts). */
    site?: Site;
  };
}

/**
 * What the login, session, token and gate functions need, from the request's context: the
 * one place the deps object is built.
 */
export function authDeps(c: Pick<Context<AppEnv>, "get" | "env">): TokenDeps {
  // get(), not var: Hono builds a new object of every variable on each read of `var`.
  return { config: c.get("config"), db: c.get("db"), kv: c.env.REVOKED };
}
