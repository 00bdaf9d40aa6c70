/**
 * Browser login routes under AUTH_PREFIX (docs/security.md): the sign-in form, the
 * magic link, the code, logout, /me and the return to an internal page after sign-in. Every state-changing request must be same-origin
 * (src/middleware/csrf.ts); the auth sub-app adds no-store, no-referrer, CSP, nosniff and
 * frame denial to every response.
 */
import { Hono } from "hono";
import type { Config } from "../config";
import type { AppEnv } from "../env";
import { csrfProtection } from "../middleware/csrf";
import { oidcCrossSitePaths } from "../oidc";
import { codeRoutes } from "./code";
import { continueRoutes } from "./continue";
import { linkRoutes } from "./link";
import { loginRoutes } from "./login";
import { logoutRoutes } from "./logout";
import { meRoutes } from "./me";

export function authRoutes(config: Config) {
  const auth = new Hono<AppEnv>();
  // The admin API authenticates by bearer token, which no cross-site page can attach. The
  // OpenID provider's token, userinfo and logout endpoints are called by relying parties from
  // their own sites (docs/oidc.md): token and userinfo read no cookie, and logout asks first.
  auth.use(csrfProtection(config, { exemptPrefixes: [`${config.authPrefix}/admin/api`], exemptPaths: oidcCrossSitePaths(config) }));
  auth.route("/", loginRoutes(config));
  auth.route("/", linkRoutes(config));
  auth.route("/", codeRoutes(config));
  auth.route("/", logoutRoutes(config));
  auth.route("/", meRoutes(config));
  auth.route("/", continueRoutes(config));
  return auth;
}
