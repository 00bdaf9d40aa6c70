/**
 * GET /.well-known/jwks.json: the public halves of every SIGNING_KEYS key (RFC 7517), so
 * origins can verify Sesame-Assertion, and of every OIDC_SIGNING_KEYS key, so relying parties
 * can verify ID tokens. The first key signs; the others are published so tokens signed before
 * a rotation keep verifying (docs/keys.md). The assertion's `typ` header keeps the two apart.
 */
import { Hono } from "hono";
import type { Config } from "../config";
import type { AppEnv } from "../env";
import { publicJwks } from "../gate/public-keys";
import { publicOidcJwk } from "../oidc/signing-keys";

/** Origins' JWKS caches may hold this for 5 minutes: the rotation procedure waits at least this long. */
const JWKS_MAX_AGE_SECONDS = 300;

export function jwksRoutes(config: Config) {
  const app = new Hono<AppEnv>();
  // Computed once per app (per config): the key set cannot change without a new config.
  const oidcKeys = (config.oidc?.signingKeys ?? []).map(publicOidcJwk);
  const body = JSON.stringify({ keys: [...publicJwks(config).keys, ...oidcKeys] });
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
