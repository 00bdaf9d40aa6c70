import type { CompiledApp } from "./access";
import type { Config } from "./config";
import type { Database } from "./db/client";

/** Hono's typed context: bindings from wrangler.toml, and what middleware sets per request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    config: Config;
    db: Database;
    /** The app serving the request's host; null on the auth host when it is not an app. */
    app: CompiledApp | null;
  };
}
