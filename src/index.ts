/**
 * The worker's entry point. Configuration is validated once per isolate; a bad config
 * refuses every request (500 naming no secret; the problems go to the log) rather than
 * running insecurely.
 */
import { createApp } from "./app";
import { type Config, getConfig } from "./config";
import { createDb } from "./db/client";
import { errorResponse } from "./http/error-response";
import { purgeExpiredRows } from "./retention/purge-expired";

const apps = new WeakMap<Config, ReturnType<typeof createApp>>();

export default {
  async fetch(request, env, ctx): Promise<Response> {
    let config: Config;
    try {
      config = getConfig(env);
    } catch (error) {
      return errorResponse(error, request, null);
    }
    let app = apps.get(config);
    if (!app) {
      app = createApp(config);
      apps.set(config, app);
    }
    return app.fetch(request, env, ctx);
  },

  /** The Cron Trigger in wrangler.toml: deletes expired rows (docs/storage.md, retention). */
  async scheduled(_controller, env, ctx): Promise<void> {
    // A bad config throws here, and the failed run shows in the Cron Trigger's log.
    const config = getConfig(env);
    ctx.waitUntil(purgeExpiredRows(createDb(env.DB), config));
  },
} satisfies ExportedHandler<Env>;
