import { env } from "cloudflare:workers";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { gate, userWithServiceToken, userWithSession, workerWith } from "./gate-support";

const ISSUER = "http://localhost:8787";
const AUDIENCE = new URL(env.ORIGIN_URL).origin;

describe("forward-auth (GET /.sesame/verify)", () => {
  it("answers 204 with the identity headers and a verifiable assertion for a session", async () => {
    const { user, sessionId, cookie } = await userWithSession();
    const res = await gate("/.sesame/verify", { headers: { Cookie: cookie, "X-Forwarded-Uri": "/app/page" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Sesame-User-Id")).toBe(user.id);
    expect(res.headers.get("Sesame-User-Email")).toBe(user.email);
    const jwks = createLocalJWKSet((await (await gate("/.well-known/jwks.json")).json()) as JSONWebKeySet);
    const { payload } = await jwtVerify(res.headers.get("Sesame-Assertion")!, jwks, { issuer: ISSUER, audience: AUDIENCE });
    expect(payload).toMatchObject({ sub: user.id, sid: sessionId, amr: "link" });
  });

  it("answers 204 for a bearer service token", async () => {
    const { user, token } = await userWithServiceToken();
    const res = await gate("/.sesame/verify", { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);
    expect(res.headers.get("Sesame-User-Id")).toBe(user.id);
  });

  it("adds the oauth2-proxy headers with FORWARD_COMPAT_HEADERS=true", async () => {
    const { user, cookie } = await userWithSession();
    const res = await workerWith({ FORWARD_COMPAT_HEADERS: "true" })("/.sesame/verify", { headers: { Cookie: cookie } });
    expect(res.headers.get("X-Forwarded-Email")).toBe(user.email);
    expect(res.headers.get("X-Forwarded-User")).toBe(user.id);
  });

  it("hands back a re-issued session cookie when the session slides", async () => {
    const { cookie } = await userWithSession();
    const res = await workerWith({ SESSION_REVALIDATE: "0" })("/.sesame/verify", { headers: { Cookie: cookie } });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie()[0]).toMatch(/^sesame=/);
  });

  it("answers 401 JSON with WWW-Authenticate and the sign-in URL for the original URI otherwise", async () => {
    const res = await gate("/.sesame/verify", { headers: { Accept: "text/html", "X-Forwarded-Uri": "/app/page?x=1" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="sesame-edge"');
    expect(res.headers.get("Sesame-Login-Url")).toBe(`/.sesame/login?next=${encodeURIComponent("/app/page?x=1")}`);
    expect(res.headers.get("Sesame-User-Id")).toBeNull();
    expect(await res.json()).toMatchObject({ error: "unauthenticated" });
  });

  it("reads nginx's X-Original-URI, and never puts anything but a local path in next", async () => {
    const nginx = await gate("/.sesame/verify", { headers: { "X-Original-URI": "/wiki/Home" } });
    expect(nginx.headers.get("Sesame-Login-Url")).toBe(`/.sesame/login?next=${encodeURIComponent("/wiki/Home")}`);
    for (const uri of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"]) {
      const res = await gate("/.sesame/verify", { headers: { "X-Forwarded-Uri": uri } });
      expect(res.headers.get("Sesame-Login-Url"), uri).toBe("/.sesame/login?next=%2F");
    }
  });

  it("with ?redirect=1 sends a browser navigation straight to sign in (Caddy, Traefik)", async () => {
    const res = await gate("/.sesame/verify?redirect=1", {
      headers: { Accept: "text/html", "X-Forwarded-Method": "GET", "X-Forwarded-Uri": "/app?tab=2" },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/.sesame/login?next=${encodeURIComponent("/app?tab=2")}`);
    const post = await gate("/.sesame/verify?redirect=1", { headers: { Accept: "text/html", "X-Forwarded-Method": "POST" } });
    expect(post.status).toBe(401);
    const api = await gate("/.sesame/verify?redirect=1", { headers: { Accept: "application/json" } });
    expect(api.status).toBe(401);
  });

  it("refuses a bearer that is not one of our tokens with invalid_token", async () => {
    const res = await gate("/.sesame/verify", { headers: { Authorization: "Bearer AAAA" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });
});
