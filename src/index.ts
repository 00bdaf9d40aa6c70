/**
 * The worker's entry point. Configuration is validated once per isolate; a bad config
 * refuses every request (500 naming no secret; the problems go to the log) rather than
 * running insecurely.
 */
import { createApp } from "./app";
import { CONFIG_KEYS, type Config, getConfig } from "./config";
import { errorResponse } from "./http/error-response";

const apps = new WeakMap<Config, ReturnType<typeof createApp>>();

export default {
  async fetch(request, env, ctx): Promise<Response> {
    let config: Config;
    try {
      config = getConfig(env);
    } catch (error) {
      return errorResponse(error, request, { appName: CONFIG_KEYS.APP_NAME, prefix: CONFIG_KEYS.AUTH_PREFIX });
    }
    let app = apps.get(config);
    if (!app) {
      app = createApp(config);
      apps.set(config, app);
    }
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Env>;
