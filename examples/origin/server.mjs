#!/usr/bin/env node
// A tiny origin app behind sesame-edge: plain node:http, no framework. Every request except
// GET /healthz and /favicon.ico must carry a valid Sesame-Assertion; the page shows who signed in.
//
//   node examples/origin/server.mjs
//
// Env: ORIGIN_PORT (8788; 0 picks a free port), SESAME_JWKS_URL, SESAME_ISSUER,
// SESAME_AUDIENCE, SESAME_AUTH_PREFIX (/.sesame). Needs the built library: npm run build:origin.
import { createServer } from "node:http";
import { sesameExpress } from "sesame-edge/origin/node";
import { renderHelloPage } from "./page.mjs";

const env = process.env;
const port = Number(env.ORIGIN_PORT ?? 8788);
const options = {
  jwksUrl: env.SESAME_JWKS_URL || "http://127.0.0.1:8787/.well-known/jwks.json",
  issuer: env.SESAME_ISSUER || "http://localhost:8787",
  audience: env.SESAME_AUDIENCE || "http://127.0.0.1:8788",
};
const authPrefix = env.SESAME_AUTH_PREFIX || "/.sesame";

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`examples/origin: ORIGIN_PORT must be a port number, got ${JSON.stringify(env.ORIGIN_PORT)}`);
  process.exit(2);
}

// Checks the options now (a TypeError names the wrong one); verifies each request later.
const sesame = sesameExpress(options);

const server = createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://origin.invalid").pathname;
  // Public: the gate lists it in PUBLIC_PATHS, and `npm run dev` polls it before the edge is up.
  if (path === "/healthz") {
    res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : "ok\n");
    return;
  }
  // Public too (the edge's default PUBLIC_PATHS lists it): browsers ask for it on every page,
  // the edge's sign-in pages included, and a 401 there is an error in every console.
  if (path === "/favicon.ico") {
    res.writeHead(204, { "Cache-Control": "public, max-age=86400" }).end();
    return;
  }
  // sesameExpress answers a refused assertion itself (401/503 JSON with the code) and only
  // calls back for a verified one, with the identity in req.sesame.
  // The middleware is async: a throw in the callback (rendering, say) rejects its promise,
  // which must end this response with a 500 rather than end the process.
  sesame(req, res, (error) => {
    if (error) return internalError(res, error);
    res.writeHead(200, {
      "Content-Type": "text/html; charset=utf-8",
      // The page is about one user: never cached, never framed, no script at all.
      "Cache-Control": "no-store",
      "Content-Security-Policy":
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "no-referrer",
    });
    res.end(req.method === "HEAD" ? undefined : renderHelloPage(req.sesame, { path, authPrefix }));
  }).catch((error) => internalError(res, error));
});

function internalError(res, error) {
  console.error("examples/origin: unexpected error", error);
  // Half a page already sent cannot become a 500: cut the connection so the client sees it fail.
  if (res.headersSent) return res.destroy();
  res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" }).end("internal error\n");
}

server.listen(port, "127.0.0.1", () => {
  console.log(
    `examples/origin: listening on http://127.0.0.1:${server.address().port} (issuer ${options.issuer}, audience ${options.audience})`,
  );
});

function stop() {
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
