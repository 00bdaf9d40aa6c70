/**
 * GET /.well-known/jwks.json: the public halves of every SIGNING_KEYS key (RFC 7517), so
 * origins can verify Sesame-Assertion. The first key signs; the others are published so
 * assertions signed before a rotation keep verifying (docs/keys.md).
 */
import { Hono } from "hono";
import type { Config } from "../config";
import type { AppEnv } from "../env";
import { publicJwks } from "../gate/public-keys";

/** Origins' JWKS caches may hold this for 5 minutes: the rotation procedure waits at least this long. */
const JWKS_MAX_AGE_SECONDS = 300;

export function jwksRoutes(config: Config) {
  const app = new Hono<AppEnv>();
  // Computed once per app (per config): the key set cannot change without a new config.
  const body = JSON.stringify(publicJwks(config));
  app.get("/.well-known/jwks.json", function serveJwks(c) {
    return c.body(body, 200, {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
      "Access-Control-Allow-Origin": "*",
      "X-Content-Type-Options": "nosniff",
    });
  });
  return app;
}
