/**
 * The OpenID Connect provider (docs/oidc.md), present only when OIDC_SIGNING_KEYS is set:
 * discovery at /.well-known/openid-configuration on the auth host, and authorize, token,
 * userinfo and logout under AUTH_PREFIX/oidc (app.ts mounts them on the auth prefix, where an
 * app host serves none of them). Token, userinfo and logout are called by relying parties:
 * src/routes/auth.ts exempts them from the same-origin check (OIDC_CROSS_SITE_PATHS).
 */
import { Hono } from "hono";
import { hostnameOf } from "../access";
import type { Config } from "../config";
import type { AppEnv } from "../env";
import { authorize } from "./authorize";
import { providerMetadata } from "./discovery";
import { confirmLogout, logout } from "./logout";
import { corsPreflight } from "./responses";
import { token } from "./token";
import { userinfo } from "./userinfo";

/** The provider's paths under AUTH_PREFIX that relying parties call across sites (no cookie is read there but logout's). */
export function oidcCrossSitePaths(config: Config): string[] {
  return ["token", "userinfo", "logout"].map((name) => `${config.authPrefix}/oidc/${name}`);
}

/** Routes under AUTH_PREFIX/oidc. */
export function oidcRoutes(_config: Config) {
  const router = new Hono<AppEnv>();
  router.get("/authorize", authorize);
  router.post("/token", token);
  router.options("/token", corsPreflight);
  router.get("/userinfo", userinfo);
  router.post("/userinfo", userinfo);
  router.options("/userinfo", corsPreflight);
  router.get("/logout", logout);
  router.post("/logout", logout);
  router.post("/end-session", confirmLogout);
  return router;
}

/** Discovery metadata lasts a day in caches: it changes only with PUBLIC_URL, AUTH_PREFIX or the keys' algorithms. */
const DISCOVERY_MAX_AGE_SECONDS = 86_400;

/** GET /.well-known/openid-configuration on the auth host; on an app host the path is the app's own. */
export function oidcWellKnownRoutes(config: Config) {
  const router = new Hono<AppEnv>();
  const authHost = hostnameOf(config.publicUrl.host);
  const body = JSON.stringify(providerMetadata(config));
  router.get("/.well-known/openid-configuration", async function serveDiscovery(c, next) {
    if (hostnameOf(new URL(c.req.url).host) !== authHost) return next();
    return c.body(body, 200, {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": `public, max-age=${DISCOVERY_MAX_AGE_SECONDS}`,
      "Access-Control-Allow-Origin": "*",
      "X-Content-Type-Options": "nosniff",
    });
  });
  return router;
}
