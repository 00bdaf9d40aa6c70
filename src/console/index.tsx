/**
 * The admin console (docs/admin-console.md): server-rendered pages under AUTH_PREFIX/admin
 * on the auth host, beside the bearer-token JSON API under AUTH_PREFIX/admin/api, which stays
 * as it is for scripts. Every page needs an admin session (auth.tsx); every change is a
 * same-origin POST (src/middleware/csrf.ts) that calls the same operation as the API
 * (src/admin) and is audited with the admin's user id.
 */
import { Hono } from "hono";
import type { Config } from "../config";
import { AppError } from "../errors";
import { csrfProtection } from "../middleware/csrf";
import { type ConsoleEnv, requireConsoleAdmin } from "./auth";
import { consoleGroupRoutes } from "./groups";
import { consoleInsightRoutes } from "./insight";
import { consolePage } from "./pages/layout";
import { MessagePage } from "./pages/message-page";
import { CONSOLE_STYLESHEET } from "./pages/style";
import { consoleTokenRoutes, consoleUserRoutes } from "./users";

/** Where "back" leads from a failed action: the user's or group's page it came from, else the console's front page. */
function backFrom(config: Config, path: string): string {
  const base = `${config.authPrefix}/admin`;
  const match = path.slice(base.length).match(/^\/(users|groups)\/([^/]+)/);
  return match ? `${base}/${match[1]}/${match[2]}` : base;
}

export function consoleRoutes(config: Config) {
  const app = new Hono<ConsoleEnv>();
  const base = `${config.authPrefix}/admin`;

  app.get("/console.css", (c) =>
    c.body(CONSOLE_STYLESHEET, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600" }),
  );
  app.use(csrfProtection(config));
  app.use(requireConsoleAdmin(config));

  app.get("/", (c) => c.redirect(`${base}/users`, 302));
  app.route("/", consoleUserRoutes(config));
  app.route("/", consoleTokenRoutes(config));
  app.route("/", consoleGroupRoutes(config));
  app.route("/", consoleInsightRoutes(config));

  app.onError((error, c) => {
    // Bad input and missing rows get a console page with a way back; anything else goes to the app's error page.
    if (!(error instanceof AppError) || error.status >= 500 || !c.var.admin) throw error;
    const page = (
      <MessagePage
        config={config}
        email={c.var.admin.email}
        title={error.status === 404 ? "Not found" : "That did not work"}
        message={error.message}
        action={{ href: backFrom(config, new URL(c.req.url).pathname), label: "Back" }}
      />
    );
    return consolePage(c, page, error.status);
  });
  return app;
}
