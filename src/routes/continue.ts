/**
 * GET AUTH_PREFIX/continue/<value>: where a sign-in that began on an internal page ends
 * (src/login/continue.ts). A genuine, live value redirects to the page it names; anything
 * else gets the error page, never a redirect.
 */
import { Hono } from "hono";
import type { Config } from "../config";
import type { AppEnv } from "../env";
import { BadRequestError } from "../errors";
import { readContinue } from "../login/continue";
import { onwardPage } from "../oidc/onward-page";

export function continueRoutes(config: Config) {
  const app = new Hono<AppEnv>();

  app.get("/continue/:value", async function continueAfterSignIn(c) {
    const target = await readContinue(config, c.req.param("value"));
    if (!target) throw BadRequestError.translated("continue", "continue.expired");
    // The sign-in form's redirects may not end on a relying party (src/oidc/onward-page.tsx).
    if (new URL(target, config.publicUrl.origin).pathname === `${config.authPrefix}/oidc/authorize`) return onwardPage(c, target);
    return c.redirect(target, 302);
  });

  return app;
}
