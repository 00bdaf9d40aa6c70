/**
 * Signing out: only by POST (a GET shows a confirmation form), so a link or an image on
 * another site cannot sign anybody out. POST /logout ends this session; with ?everywhere=1
 * every session of the user and every outstanding token (src/login/logout.ts).
 */
import { Hono } from "hono";
import { recordEvent } from "../audit/record-event";
import type { Config } from "../config";
import { describeError } from "../db/errors";
import { type AppEnv, authDeps } from "../env";
import { AppError, ServiceUnavailableError } from "../errors";
import { isAppHost } from "../handoff";
import { clientIp, userAgent } from "../http/request-info";
import { safeNext } from "../http/safe-next";
import { logOutEverywhere } from "../login/logout";
import { LogoutConfirmPage, SignedOutPage } from "../pages/logout-page";
import type { Site } from "../pages/site";
import { clearSessionCookie, readSession, readSessionClaims, revokeSession } from "../sessions";
import { htmlPage, siteOf } from "./auth-context";

export function logoutRoutes(config: Config) {
  const app = new Hono<AppEnv>();

  app.get("/logout", async function confirmLogout(c) {
    const check = await readSession(c.req.raw, authDeps(c));
    if (!check.ok) return htmlPage(c, <SignedOutPage site={siteOf(c)} />);
    return htmlPage(
      c,
      <LogoutConfirmPage site={siteOf(c)} email={check.identity.email} />,
      200,
      check.setCookie ? { "Set-Cookie": check.setCookie } : {},
    );
  });

  app.post("/logout", async function logout(c) {
    const deps = authDeps(c);
    const audit = { ip: clientIp(c.req.raw), userAgent: userAgent(c.req.raw) };
    const everywhere = c.req.query("everywhere") === "1";
    // Everywhere needs a session that passes every check: a revoked cookie must not be
    // able to sign its user out of their other devices.
    try {
      const check = everywhere ? await readSession(c.req.raw, deps) : null;
      if (check?.ok) {
        const { userId, sessionId } = check.identity;
        const ended = await logOutEverywhere(deps, userId);
        await recordEvent(c.var.db, { event: "logout_everywhere", userId, detail: { sessionId, sessionsEnded: ended }, ...audit });
      } else {
        // Ending this one session needs only a genuine cookie, even one a re-check would refuse.
        const claims = await readSessionClaims(c.req.raw, deps);
        if (claims) {
          const ended = await revokeSession(deps, claims.sid);
          await recordEvent(c.var.db, { event: "logout", userId: claims.sub, detail: { sessionId: claims.sid, ended }, ...audit });
        }
        // Asked for everywhere, but storage could not say whose session this is: this one
        // session is ended (if storage allowed), the others are not, and the person must know.
        if (check && !check.ok && check.reason === "unavailable") throw new ServiceUnavailableError();
      }
    } catch (error) {
      // Storage failed: the browser still forgets the session (the cookie is cleared), and the
      // person is told the server side did not finish, rather than seeing a bare error.
      console.error(JSON.stringify({ level: "error", msg: "logout_incomplete", error: describeError(error) }));
      throw new AppError(
        "logout_incomplete",
        503,
        'You are signed out in this browser, but the server could not finish ending the session. On a shared computer, sign in again later and choose "Sign out on every device".',
        undefined,
        { "Set-Cookie": clearSessionCookie(config), "Retry-After": "5" },
      );
    }
    return c.body(null, 303, {
      Location: afterLogout(config, siteOf(c), new URL(c.req.url), c.req.query("then"), c.req.query("next")),
      "Set-Cookie": clearSessionCookie(config),
    });
  });

  return app;
}

/**
 * Where POST /logout leads: the signed-out page, or with `then=login` (the 403 page's "use
 * another account", docs/access.md) the sign-in page, returning to `next` afterwards.
 */
function afterLogout(config: Config, site: Site, url: URL, then: string | undefined, next: string | undefined): string {
  // `site.href` keeps a language chosen with ?lang= on the page that follows.
  if (then !== "login") return site.href("/logout");
  // An app host has no sign-in page: back to the page, which (the session being over)
  // starts a fresh sign-in through the auth host, so it cannot loop back through SSO.
  if (isAppHost(config, url)) return safeNext(next, config.authPrefix);
  return site.href("/login", { next: safeNext(next, config.authPrefix) });
}
