/**
 * The Hono app, built once per isolate for a validated Config (routes depend on
 * AUTH_PREFIX). Order matters: auth routes first, then the gate, which takes the rest.
 */
import { Hono } from "hono";
import { hostnameOf } from "./access";
import type { Config } from "./config";
import { consoleRoutes } from "./console";
import { createDb } from "./db/client";
import type { AppEnv } from "./env";
import { NotFoundError } from "./errors";
import { edgeRoutes, gateRoutes } from "./gate";
import { appHostServes, handoffRoutes, isAppHost } from "./handoff";
import { errorResponse } from "./http/error-response";
import { authResponseHeaders, strictTransportSecurityHeader } from "./middleware/security-headers";
import { oidcRoutes, oidcWellKnownRoutes } from "./oidc";
import { renderStylesheet } from "./pages/style";
import { adminRoutes } from "./routes/admin";
import { authRoutes } from "./routes/auth";
import { devMailboxRoutes } from "./routes/dev-mailbox";
import { healthRoutes } from "./routes/health";

export function createApp(config: Config) {
  const prefix = config.authPrefix;
  const app = new Hono<AppEnv>();

  app.use(strictTransportSecurityHeader(config));
  const authHost = hostnameOf(config.publicUrl.host);
  const prefixSlash = `${prefix}/`;
  app.use(async function attachContext(c, next) {
    c.set("config", config);
    c.set("db", createDb(c.env.DB));
    // Parsed once here and shared through the context: the gate reads it on every request.
    const url = new URL(c.req.url);
    c.set("url", url);
    // The app is found from the host name alone (docs/access.md, "Hosts"). A host no app
    // claims is a 404 for every route, unless it is the auth host, which then serves only
    // the edge's own routes (the gate answers 404 there).
    const host = hostnameOf(url.host);
    const served = config.access.appForHost(host);
    if (!served && host !== authHost) throw new NotFoundError();
    // An app host serves only the handoff, logout, me and verify of the edge's routes.
    if (url.pathname.startsWith(prefixSlash) && isAppHost(config, url) && !appHostServes(config, url.pathname)) throw new NotFoundError();
    c.set("app", served);
    await next();
  });

  const stylesheet = renderStylesheet(config.brand.palette);
  app.get(`${prefix}/style.css`, (c) =>
    c.body(stylesheet, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600" }),
  );
  const auth = new Hono<AppEnv>();
  auth.use(authResponseHeaders(config));
  auth.route("/health", healthRoutes());
  auth.route("/admin/api", adminRoutes(config));
  auth.route("/admin", consoleRoutes(config));
  // The dev mailbox exists only with the dev mailer: in production the route is simply absent.
  if (config.mail.providers[0] === "dev") auth.route("/dev/mailbox", devMailboxRoutes(config));
  auth.route("/", authRoutes(config));
  auth.route("/", handoffRoutes(config));
  // After authRoutes: its same-origin check covers these routes too (src/routes/auth.ts exempts the relying parties' ones).
  if (config.oidc) auth.route("/oidc", oidcRoutes(config));
  auth.all("*", () => {
    throw new NotFoundError();
  });
  app.route("/", edgeRoutes(config));
  if (config.oidc) app.route("/", oidcWellKnownRoutes(config));
  app.route(prefix, auth);
  app.route("/", gateRoutes(config));

  app.onError((error, c) => errorResponse(error, c.req.raw, config));
  return app;
}
