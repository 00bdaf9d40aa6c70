import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/token-service";
import { createDb } from "../src/db/client";
import { sessions } from "../src/db/schema";
import { revokeSession } from "../src/sessions";
import { findUserById } from "../src/users/store";
import { adminOk, createUserViaApi } from "./admin-client";
import { countingD1, countingKV, deps, echoOf, gate, userWithServiceToken, userWithSession, workerWith } from "./gate-support";

describe("an unauthenticated request", () => {
  it("is sent to sign in when a browser navigates (GET or HEAD accepting text/html), with next = path and query", async () => {
    for (const method of ["GET", "HEAD"]) {
      const res = await gate("/docs/page?a=1&b=two", { method, headers: { Accept: "text/html,application/xhtml+xml" } });
      expect(res.status, method).toBe(302);
      expect(res.headers.get("Location")).toBe(`/.sesame/login?next=${encodeURIComponent("/docs/page?a=1&b=two")}`);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
    }
  });

  it("gets 401 JSON with WWW-Authenticate when it is not a browser navigation", async () => {
    const cases: [string, Record<string, string>][] = [
      ["GET", { Accept: "application/json" }],
      ["GET", {}],
      ["POST", { Accept: "text/html" }],
      ["DELETE", { Accept: "text/html" }],
    ];
    for (const [method, headers] of cases) {
      const res = await gate("/api/things", { method, headers });
      expect(res.status, `${method} ${JSON.stringify(headers)}`).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="sesame-edge"');
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(await res.json()).toMatchObject({ error: "unauthenticated" });
    }
  });

  it("quotes the realm safely when APP_NAME holds quotes", async () => {
    const res = await workerWith({ APP_NAME: 'Acme "Docs" \\ Portal' })("/x");
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="Acme \\"Docs\\" \\\\ Portal"');
  });

  it("never reaches the origin", async () => {
    const res = await gate("/api/things", { method: "POST", body: "payload" });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain("bodyBytes");
  });
});

describe("the session cookie", () => {
  it("proxies with the user's identity and without our cookie, keeping the origin's own cookies", async () => {
    const { user, cookie } = await userWithSession();
    const res = await gate("/dashboard?tab=2", {
      headers: { Accept: "text/html", Cookie: `theme=dark; ${cookie}; cart=a%3Db; sesame-share=junk` },
    });
    const echo = await echoOf(res);
    expect(echo.url).toBe("/dashboard?tab=2");
    expect(echo.headers["sesame-user-id"]).toBe(user.id);
    expect(echo.headers["sesame-user-email"]).toBe(user.email);
    expect(echo.headers["sesame-assertion"]).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(echo.headers.cookie).toBe("theme=dark; cart=a%3Db");
  });

  it("keeps our cookie from the origin when it comes in a second Cookie field, which arrives joined with a comma", async () => {
    const { cookie } = await userWithSession();
    const { token } = await userWithServiceToken();
    const headers = new Headers({ Authorization: `Bearer ${token}` });
    headers.append("Cookie", "theme=dark");
    headers.append("Cookie", cookie);
    const echo = await echoOf(await gate("/x", { headers }));
    expect(echo.headers.cookie ?? "").not.toContain(cookie.split("=")[0]);
  });

  it("sends no Cookie header at all when only our cookies were sent", async () => {
    const { cookie } = await userWithSession();
    const echo = await echoOf(await gate("/x", { headers: { Cookie: cookie } }));
    expect(echo.headers.cookie).toBeUndefined();
  });

  it("stops working at once when the session is revoked", async () => {
    const { sessionId, cookie } = await userWithSession();
    expect((await gate("/x", { headers: { Cookie: cookie } })).status).toBe(200);
    await revokeSession(deps(), sessionId);
    expect((await gate("/x", { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it("hands a re-issued cookie back with the origin's answer when the session slides", async () => {
    const { cookie } = await userWithSession();
    const edge = workerWith({ SESSION_REVALIDATE: "0" });
    const res = await edge("/__set-cookie", { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok");
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith("origin_pref=dark"))).toBe(true);
    expect(cookies.some((c) => c.startsWith("sesame=") && c.includes("HttpOnly"))).toBe(true);
  });

  it("makes no D1 query between revalidations", async () => {
    const { cookie } = await userWithSession();
    const d1 = countingD1(env.DB);
    const edge = workerWith({}, { DB: d1.binding });
    for (let i = 0; i < 5; i++) expect((await edge("/x", { headers: { Cookie: cookie } })).status).toBe(200);
    expect(d1.count()).toBe(0);
  });
});

describe("bearer service tokens", () => {
  it("proxies with the token's user and never passes our token on", async () => {
    const { user, token } = await userWithServiceToken();
    const res = await gate("/api/things", { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
    const echo = await echoOf(res);
    expect(echo.headers["sesame-user-id"]).toBe(user.id);
    expect(echo.headers["sesame-user-email"]).toBe(user.email);
    expect(echo.headers.authorization).toBeUndefined();
  });

  it("accepts the scheme in any case", async () => {
    const { token } = await userWithServiceToken();
    expect((await gate("/x", { headers: { Authorization: `bearer ${token}` } })).status).toBe(200);
  });

  it("never creates a session", async () => {
    const { user, token } = await userWithServiceToken();
    const res = await gate("/x", { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    const rows = await createDb(env.DB).select().from(sessions).where(eq(sessions.userId, user.id)).all();
    expect(rows).toEqual([]);
  });

  it("refuses a revoked service token at once, saying invalid_token", async () => {
    const { id, token } = await userWithServiceToken();
    expect((await gate("/x", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    await adminOk("DELETE", `/service-tokens/${id}`, 204);
    const res = await gate("/x", { headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="sesame-edge", error="invalid_token"');
  });

  it("refuses sesame tokens of any other scope, and tokens with no service-token row", async () => {
    const created = await createUserViaApi();
    const user = (await findUserById(createDb(env.DB), created.id))!;
    for (const scope of ["", "path:/x", "api"]) {
      const { token } = await issueToken(deps(), user, { scope, maxAge: 600, oneTime: false });
      const res = await gate("/x", { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status, JSON.stringify(scope)).toBe(401);
    }
  });

  it("refuses garbage in Authorization with 401", async () => {
    for (const authorization of ["Bearer nope", "Bearer ", "Basic dXNlcjpwYXNz", `Bearer ${"A".repeat(5000)}`]) {
      const res = await gate("/x", { headers: { Authorization: authorization, Accept: "application/json" } });
      expect(res.status, authorization.slice(0, 20)).toBe(401);
    }
  });

  it("sends a browser navigation with a bad bearer to 401 with invalid_token, not to sign in", async () => {
    for (const method of ["GET", "HEAD"]) {
      for (const bearer of ["nope", "A".repeat(5000), (await userWithServiceToken()).token.slice(0, -2)]) {
        const res = await gate("/docs/page", {
          method,
          headers: { Authorization: `Bearer ${bearer}`, Accept: "text/html,application/xhtml+xml" },
        });
        expect(res.status, `${method} ${bearer.slice(0, 20)}`).toBe(401);
        expect(res.headers.get("Location")).toBeNull();
        expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="sesame-edge", error="invalid_token"');
      }
    }
    // The same navigation without a bearer is still sent to sign in (the control).
    const plain = await gate("/docs/page", { headers: { Accept: "text/html,application/xhtml+xml" } });
    expect(plain.status).toBe(302);
  });

  it("stops working within SESSION_REVALIDATE when the user is deactivated", async () => {
    const { user, token } = await userWithServiceToken();
    const edge = workerWith({ SESSION_REVALIDATE: "0" });
    expect((await edge("/x", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    await adminOk("PATCH", `/users/${user.id}`, 200, { json: { active: false } });
    expect((await edge("/x", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("costs D1 queries only on the first request of a revalidation period, and one KV read for its revocations", async () => {
    const { id, token } = await userWithServiceToken();
    const d1 = countingD1(env.DB);
    const kv = countingKV(env.REVOKED);
    const edge = workerWith({}, { DB: d1.binding, REVOKED: kv.binding });
    expect((await edge("/x", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(d1.count()).toBeGreaterThan(0);
    d1.reset();
    kv.reset();
    for (let i = 0; i < 5; i++) expect((await edge("/x", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(d1.count()).toBe(0);
    // The first remembered use asks REVOKED; the answer then holds for REVOCATION_RECHECK_SECONDS (test/revocation-bound.test.ts).
    expect(kv.count()).toBe(1);
    // This isolate's own revocation refuses the remembered token at once.
    await adminOk("DELETE", `/service-tokens/${id}`, 204);
    expect((await edge("/x", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it("re-checks D1 on every request when SESSION_REVALIDATE is 0", async () => {
    const { token } = await userWithServiceToken();
    const d1 = countingD1(env.DB);
    const edge = workerWith({ SESSION_REVALIDATE: "0" }, { DB: d1.binding });
    for (let i = 0; i < 3; i++) await edge("/x", { headers: { Authorization: `Bearer ${token}` } });
    expect(d1.count()).toBeGreaterThanOrEqual(3);
  });

  it("leaves an origin's own Authorization alone when a session authenticates", async () => {
    const { cookie } = await userWithSession();
    const echo = await echoOf(await gate("/x", { headers: { Cookie: cookie, Authorization: "Bearer origin-api-key-123" } }));
    expect(echo.headers.authorization).toBe("Bearer origin-api-key-123");
  });

  it("drops a sesame token in Authorization even when a session is what authenticated", async () => {
    const { cookie } = await userWithSession();
    const { token } = await userWithServiceToken();
    const echo = await echoOf(await gate("/x", { headers: { Cookie: cookie, Authorization: `Bearer ${token}` } }));
    expect(echo.headers.authorization).toBeUndefined();
  });
});

describe("identity headers from the client", () => {
  const spoofed = {
    "Sesame-Assertion": "eyJhbGciOiJub25lIn0.eyJzdWIiOiJib3NzIn0.",
    "Sesame-User-Id": "00000000-0000-4000-8000-000000000000",
    "Sesame-User-Email": "boss@example.com",
    "Sesame-Anything": "x",
    "X-Forwarded-User": "boss",
    "X-Forwarded-Email": "boss@example.com",
    "X-Forwarded-Groups": "admins",
    "X-Forwarded-Preferred-Username": "boss",
    "X-Forwarded-For": "10.0.0.1",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "gopher",
    Forwarded: "for=10.0.0.1;host=evil.example",
    "X-Real-IP": "10.0.0.1",
  };

  it("never reach the origin as sent: the origin sees the gate's", async () => {
    const { user, cookie } = await userWithSession();
    const echo = await echoOf(await gate("/x", { headers: { ...spoofed, Cookie: cookie, "CF-Connecting-IP": "203.0.113.9" } }));
    expect(echo.headers["sesame-assertion"]).not.toBe(spoofed["Sesame-Assertion"]);
    expect(echo.headers["sesame-user-id"]).toBe(user.id);
    expect(echo.headers["sesame-user-email"]).toBe(user.email);
    expect(echo.headers["sesame-anything"]).toBeUndefined();
    for (const name of [
      "x-forwarded-user",
      "x-forwarded-email",
      "x-forwarded-groups",
      "x-forwarded-preferred-username",
      "forwarded",
      "x-real-ip",
    ]) {
      expect(echo.headers[name], name).toBeUndefined();
    }
    expect(echo.headers["x-forwarded-for"]).toBe("203.0.113.9");
    expect(echo.headers["x-forwarded-host"]).toBe("localhost:8787");
    expect(echo.headers["x-forwarded-proto"]).toBe("http");
  });

  it("sends no X-Forwarded-For when Cloudflare gave no client address", async () => {
    const { cookie } = await userWithSession();
    const echo = await echoOf(await gate("/x", { headers: { Cookie: cookie, "X-Forwarded-For": "10.0.0.1" } }));
    expect(echo.headers["x-forwarded-for"]).toBeUndefined();
  });

  it("with FORWARD_COMPAT_HEADERS=true, sets X-Forwarded-User and -Email itself", async () => {
    const { user, cookie } = await userWithSession();
    const echo = await echoOf(await workerWith({ FORWARD_COMPAT_HEADERS: "true" })("/x", { headers: { ...spoofed, Cookie: cookie } }));
    expect(echo.headers["x-forwarded-user"]).toBe(user.id);
    expect(echo.headers["x-forwarded-email"]).toBe(user.email);
    expect(echo.headers["x-forwarded-groups"]).toBeUndefined();
  });

  it("drops hop-by-hop headers, including those the client names in Connection", async () => {
    const { cookie } = await userWithSession();
    const echo = await echoOf(
      await gate("/x", {
        headers: {
          Cookie: cookie,
          Connection: "keep-alive, X-Secret-Hop, x-other-hop",
          "X-Secret-Hop": "1",
          "X-Other-Hop": "1",
          "Proxy-Authorization": "Basic eA==",
          "X-Kept": "yes",
        },
      }),
    );
    expect(echo.headers["x-secret-hop"]).toBeUndefined();
    expect(echo.headers["x-other-hop"]).toBeUndefined();
    expect(echo.headers["proxy-authorization"]).toBeUndefined();
    expect(echo.headers["x-kept"]).toBe("yes");
  });
});

describe("sessions in the sessions table", () => {
  it("are untouched by gated requests between revalidations", async () => {
    const { sessionId, cookie } = await userWithSession();
    const before = await createDb(env.DB).select().from(sessions).where(eq(sessions.id, sessionId)).get();
    await gate("/x", { headers: { Cookie: cookie } });
    const after = await createDb(env.DB).select().from(sessions).where(eq(sessions.id, sessionId)).get();
    expect(after?.lastSeenAt).toBe(before?.lastSeenAt);
  });
});
