import { describe, expect, it } from "vitest";
import { canonicalPath } from "../src/access/canonical-path";
import { parseShareScope, shareScope } from "../src/auth/scopes";
import { isPublicPath, matchesPublicPattern, shareScopeMatches } from "../src/gate/paths";
import { echoOf, workerWith } from "./gate-support";

describe("path normalisation", () => {
  it("decodes a plain path once", () => {
    expect(canonicalPath("/static/app.js")).toBe("/static/app.js");
    expect(canonicalPath("/docs/caf%C3%A9")).toBe("/docs/café");
    expect(canonicalPath("/files/100%25")).toBe("/files/100%");
  });

  it("refuses traversal, encoded separators, double encoding, NUL, backslashes and bad UTF-8", () => {
    for (const path of [
      "/static/../admin",
      "/static/%2e%2e/admin",
      "/static/%2E%2E/admin",
      "/static%2f..%2fadmin",
      "/static%2fadmin",
      "/static/%252e%252e/admin",
      "/static/%25%32%65%25%32%65/admin",
      "/static/%c0%ae%c0%ae/admin",
      "/static/%e0%80%ae/admin",
      "/static/%ff",
      "/static/a%00.js",
      "/static/..%5cadmin",
      "/static\\..\\admin",
      "/static//admin",
      "/static/./admin",
      "/static/a%2ejs",
      "static/app.js",
    ]) {
      expect(canonicalPath(path), path).toBeNull();
    }
  });
});

/** Paths that some origin, framework or file system may read as another path (safeNext refuses the same characters). */
const LOOK_ALIKE_PATHS = [
  "/static/%EF%BC%8E%EF%BC%8E/admin", // fullwidth dots: NFKC folds them to ".."
  "/static%EF%BC%8Fadmin", // fullwidth slash
  "/static/%E2%88%95admin", // division slash
  "/static/%EF%B9%A8admin", // small reverse solidus
  "/static/%EF%AC%81le.js", // the "fi" ligature
  "/static/app%E2%80%8B.js", // zero-width space
  "/static/app%C2%A0.js", // no-break space
  "/static/cafe%CC%81.css", // "e" and a combining accent, which NFKC composes
];

describe("look-alike characters", () => {
  it("make a path ambiguous, as they make a next unsafe", () => {
    for (const path of LOOK_ALIKE_PATHS) expect(canonicalPath(path), path).toBeNull();
  });

  it("do not include a plain space or an ordinary accented letter", () => {
    expect(canonicalPath("/static/my%20file.pdf")).toBe("/static/my file.pdf");
    expect(canonicalPath("/static/caf%C3%A9.css")).toBe("/static/café.css");
  });

  it("keep a path out of every public pattern and share scope", () => {
    for (const path of LOOK_ALIKE_PATHS) {
      expect(isPublicPath(["/static/*", "/static*"], path), path).toBe(false);
      expect(shareScopeMatches("path:/static/*", null, path, "GET"), path).toBe(false);
    }
  });
});

describe("the policies' refusals", () => {
  /** Refused by canonicalPath for policies before it was the one rule: a control character (raw: a worker may be handed one), a backslash, NFKC-changed text. */
  const POLICY_REFUSALS = ["/static/a\u0001.js", "/static/a\u007f.js", "/static/a%01.js", "/static/a\\b.js", "/static/\uFB01le.js"];

  it("hold for public patterns and share scopes too", () => {
    for (const path of POLICY_REFUSALS) {
      expect(isPublicPath(["/static/*", "/static*"], path), path).toBe(false);
      expect(shareScopeMatches("path:/static/*", null, path, "GET"), path).toBe(false);
      expect(shareScopeMatches("path:wiki:/static/*", "wiki", path, "GET"), path).toBe(false);
    }
  });
});

describe("PUBLIC_PATHS patterns", () => {
  it('"/x" matches only /x', () => {
    expect(matchesPublicPattern("/healthz", "/healthz")).toBe(true);
    expect(matchesPublicPattern("/healthz", "/healthz/")).toBe(false);
    expect(matchesPublicPattern("/healthz", "/healthzz")).toBe(false);
  });

  it('"/x/*" matches /x/ and below, at a segment boundary', () => {
    expect(matchesPublicPattern("/static/*", "/static/")).toBe(true);
    expect(matchesPublicPattern("/static/*", "/static/css/app.css")).toBe(true);
    expect(matchesPublicPattern("/static/*", "/static")).toBe(false);
    expect(matchesPublicPattern("/static/*", "/staticky/app.css")).toBe(false);
  });

  it('"/x*" is a plain string prefix', () => {
    expect(matchesPublicPattern("/assets*", "/assets")).toBe(true);
    expect(matchesPublicPattern("/assets*", "/assets-v2/x.js")).toBe(true);
    expect(matchesPublicPattern("/assets*", "/asset")).toBe(false);
  });

  it("never matches an ambiguous path, even one that decodes into the prefix", () => {
    expect(isPublicPath(["/static/*"], "/static/%2e%2e/admin")).toBe(false);
    expect(isPublicPath(["/static*"], "/static%2f..%2fadmin")).toBe(false);
    expect(isPublicPath([], "/static/app.js")).toBe(false);
  });
});

describe("share scopes", () => {
  it('"path:/x" is exact and "path:/x/*" covers /x and everything below it', () => {
    expect(shareScopeMatches("path:/reports/42", null, "/reports/42", "GET")).toBe(true);
    expect(shareScopeMatches("path:/reports/42", null, "/reports/42/raw", "GET")).toBe(false);
    expect(shareScopeMatches("path:/reports/42", null, "/reports/4", "GET")).toBe(false);
    expect(shareScopeMatches("path:/reports/*", null, "/reports", "GET")).toBe(true);
    expect(shareScopeMatches("path:/reports/*", null, "/reports/42/raw", "GET")).toBe(true);
    expect(shareScopeMatches("path:/reports/*", null, "/reportsx", "GET")).toBe(false);
    expect(shareScopeMatches("path:/reports/*", null, "/reports/%2e%2e/admin", "GET")).toBe(false);
    expect(shareScopeMatches("path:/*", null, "/anything", "GET")).toBe(true);
  });

  it("matches nothing for scopes that are not paths", () => {
    expect(shareScopeMatches("api", null, "/api", "GET")).toBe(false);
    expect(shareScopeMatches("", null, "/", "GET")).toBe(false);
    expect(shareScopeMatches("path:reports", null, "/reports", "GET")).toBe(false);
    expect(shareScopeMatches("path:/re*", null, "/reports", "GET")).toBe(false);
  });

  it('"path:<app>:/x" opens that path on that app only, and an app-less scope opens nothing under APPS', () => {
    expect(shareScopeMatches("path:wiki:/reports/42", "wiki", "/reports/42", "GET")).toBe(true);
    expect(shareScopeMatches("path:wiki:/reports/*", "wiki", "/reports/7", "GET")).toBe(true);
    expect(shareScopeMatches("path:wiki:/a:b", "wiki", "/a:b", "GET")).toBe(true);
    expect(shareScopeMatches("path:wiki:/reports/42", "tools", "/reports/42", "GET")).toBe(false);
    expect(shareScopeMatches("path:wiki:/reports/42", null, "/reports/42", "GET")).toBe(false);
    expect(shareScopeMatches("path:/reports/42", "wiki", "/reports/42", "GET")).toBe(false);
    expect(shareScopeMatches("path:wiki:reports", "wiki", "/reports", "GET")).toBe(false);
    expect(shareScopeMatches("path::/reports", "", "/reports", "GET")).toBe(false);
    expect(shareScopeMatches("path:wi/ki:/x", "wi/ki", "/x", "GET")).toBe(false);
  });

  it("allows GET and HEAD, and another method only when the scope lists it", () => {
    for (const method of ["GET", "HEAD"]) expect(shareScopeMatches("path:/forms/7", null, "/forms/7", method), method).toBe(true);
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get"]) {
      expect(shareScopeMatches("path:/forms/7", null, "/forms/7", method), method).toBe(false);
    }
    const scope = shareScope("wiki", "/forms/*", ["POST", "DELETE"]);
    expect(scope).toBe("path:wiki:/forms/* POST,DELETE");
    for (const method of ["GET", "HEAD", "POST", "DELETE"]) expect(shareScopeMatches(scope, "wiki", "/forms/7", method), method).toBe(true);
    for (const method of ["PUT", "PATCH", "OPTIONS"]) expect(shareScopeMatches(scope, "wiki", "/forms/7", method), method).toBe(false);
    // The path and app still decide first.
    expect(shareScopeMatches(scope, "wiki", "/other", "POST")).toBe(false);
    expect(shareScopeMatches(scope, "tools", "/forms/7", "POST")).toBe(false);
  });

  it("reads a method list only as shareScope writes it", () => {
    expect(parseShareScope("path:/x POST,PUT")).toEqual({ app: null, path: "/x", methods: ["GET", "HEAD", "POST", "PUT"] });
    expect(parseShareScope("path:/x")).toEqual({ app: null, path: "/x", methods: ["GET", "HEAD"] });
    for (const scope of [
      "path:/x ",
      "path:/x post",
      "path:/x PUT,POST",
      "path:/x POST,POST",
      "path:/x GET",
      "path:/x POST PUT",
      "path:/x POST,",
    ]) {
      expect(parseShareScope(scope), scope).toBeNull();
      expect(shareScopeMatches(scope, null, "/x", "GET"), scope).toBe(false);
    }
  });
});

describe("public paths through the gate", () => {
  const edge = workerWith({ PUBLIC_PATHS: "/healthz,/static/*,/assets*" });

  it("proxies a public path without auth and without identity", async () => {
    for (const path of ["/healthz", "/static/app.js", "/assets-v2/logo.svg"]) {
      const echo = await echoOf(await edge(path, { headers: { Accept: "text/html" } }));
      expect(echo.url).toBe(path);
      expect(echo.headers["sesame-assertion"]).toBeUndefined();
      expect(echo.headers["sesame-user-id"]).toBeUndefined();
    }
  });

  it("strips spoofed identity headers on public paths too", async () => {
    const echo = await echoOf(
      await edge("/static/app.js", { headers: { "Sesame-User-Email": "boss@example.com", "X-Forwarded-User": "boss" } }),
    );
    expect(echo.headers["sesame-user-email"]).toBeUndefined();
    expect(echo.headers["x-forwarded-user"]).toBeUndefined();
  });

  it("keeps paths next to a public one protected", async () => {
    for (const path of ["/healthz/", "/static", "/staticky", "/admin"]) {
      const res = await edge(path);
      expect(res.status, path).toBe(401);
    }
  });

  it("does not let look-alike characters escape a public prefix", async () => {
    for (const path of ["/static/%EF%BC%8E%EF%BC%8E/admin", "/assets%EF%BC%8Fadmin", "/static/%E2%80%8B"]) {
      const res = await edge(path);
      expect(res.status, path).toBe(401);
    }
  });

  it("does not let traversal or encoded variants escape a public prefix", async () => {
    for (const path of [
      "/static/../admin",
      "/static/%2e%2e/admin",
      "/static%2f..%2fadmin",
      "/static/%252e%252e/admin",
      "/static/%c0%ae%c0%ae/admin",
      "/static/..%5cadmin",
      "/static/a%00",
      "/assets/..%2fadmin",
    ]) {
      const res = await edge(path);
      expect(res.status, path).toBe(401);
      expect(await res.json()).toMatchObject({ error: "unauthenticated" });
    }
  });
});
