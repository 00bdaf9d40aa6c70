/** GET /me: the current session's identity as JSON, for the origin's front end; 401 JSON without one. */
import { Hono } from "hono";
import type { Config } from "../config";
import { type AppEnv, authDeps } from "../env";
import { readSession } from "../sessions";

export function meRoutes(_config: Config) {
  const app = new Hono<AppEnv>();

  app.get("/me", async function showIdentity(c) {
    const check = await readSession(c.req.raw, authDeps(c));
    if (!check.ok) {
      // Storage down is not "signed out": say so, so a front end retries rather than redirects.
      if (check.reason === "unavailable") {
        return c.json({ error: "unavailable", message: "Sessions cannot be checked right now. Please try again shortly." }, 503);
      }
      return c.json({ error: "unauthenticated", message: "Not signed in" }, 401);
    }
    const { identity } = check;
    const response = c.json({
      userId: identity.userId,
      email: identity.email,
      amr: identity.amr,
      sessionId: identity.sessionId,
      expiresAt: new Date(identity.expiresAt).toISOString(),
    });
    if (check.setCookie) response.headers.append("Set-Cookie", check.setCookie);
    return response;
  });

  return app;
}
