/**
 * The gate with APPS (docs/access.md): routing by host, the app's origin, audience and
 * policies, the 403 answers, bypass and service actions, through the worker's own fetch.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { desc, eq } from "drizzle-orm";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AppDefinition } from "../src/access/types";
import { createApp } from "../src/app";
import { getConfig } from "../src/config";
import { createDb } from "../src/db/client";
import { authEvents } from "../src/db/schema";
import worker from "../src/index";
import { cookieOnHost, echoOf, userWithServiceToken, userWithSession } from "./gate-support";

const ORIGIN: string = env.ORIGIN_URL;
const HTML = { Accept: "text/html" };

const APPS: AppDefinition[] = [
  {
    name: "wiki",
    hosts: ["wiki.example.com", "*.wiki.example.com"],
    origin: `${ORIGIN}/wiki-base/`,
    audience: "https://wiki.example.com",
    publicPaths: ["/static/*"],
    policies: [
      { name: "admins", path: "/admin/*", action: "allow", include: [{ group: "admins" }] },
      { name: "ci", path: "/api/*", action: "service", include: [{ everyone: true }] },
      { name: "embargo", path: "/embargo/*", action: "deny", include: [{ country: "KP" }] },
      { name: "embargo-others", path: "/embargo/*", action: "allow", include: [{ everyone: true }] },
      { name: "docs-admins", path: "/docs/*", action: "allow", include: [{ group: "admins" }] },
      { name: "docs-public", path: "/docs/*", action: "bypass", include: [{ everyone: true }] },
      { name: "staff", path: "/*", action: "allow", include: [{ everyone: true }] },
    ],
  },
  {
    name: "tools",
    hosts: ["tools.example.org"],
    origin: ORIGIN,
    policies: [{ name: "everyone", path: "/*", action: "allow", include: [{ everyone: true }] }],
  },
];

type AbsoluteFetcher = (url: string, init?: RequestInit) => Promise<Response>;

/** The worker with APPS (and other settings) on top of the test bindings, asked at absolute URLs. */
function edgeWith(overrides: Record<string, unknown> = {}): AbsoluteFetcher {
  const modified = { ...env, APPS: JSON.stringify(APPS), ...overrides } as Env;
  const app = createApp(getConfig(modified));
  return async (url, init) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(url, { redirect: "manual", ...init }), modified, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}

const edge = edgeWith();

async function lastDenial(userId: string) {
  return createDb(env.DB)
    .select()
    .from(authEvents)
    .where(eq(authEvents.userId, userId))
    .orderBy(desc(authEvents.id))
    .all()
    .then((rows) => rows.find((row) => row.event === "access_denied"));
}

afterEach(() => vi.restoreAllMocks());

describe("routing by host", () => {
  it("sends each host to its app's origin, under the origin's base path", async () => {
    const { sessionId } = await userWithSession();
    const wiki = await echoOf(
      await edge("http://wiki.example.com/page?q=1", {
        headers: { Cookie: await cookieOnHost(sessionId, "http://wiki.example.com/page?q=1") },
      }),
    );
    expect(wiki.url).toBe("/wiki-base/page?q=1");
    const tools = await echoOf(
      await edge("http://tools.example.org/page", { headers: { Cookie: await cookieOnHost(sessionId, "http://tools.example.org/page") } }),
    );
    expect(tools.url).toBe("/page");
  });

  it("answers 404 for a host no app claims, and proxies nothing", async () => {
    const { cookie } = await userWithSession();
    for (const url of ["http://other.example.com/page", "http://a.b.wiki.example.com/page", "http://other.example.com/.sesame/login"]) {
      const res = await edge(url, { headers: { Cookie: cookie } });
      expect(res.status, url).toBe(404);
      expect(await res.json()).toMatchObject({ error: "not_found" });
    }
  });

  it("serves only the edge's own routes on the auth host when it is not an app", async () => {
    const { cookie } = await userWithSession();
    expect((await edge("http://localhost:8787/.sesame/health")).status).toBe(200);
    expect((await edge("http://localhost:8787/.well-known/jwks.json")).status).toBe(200);
    const gated = await edge("http://localhost:8787/page", { headers: { Cookie: cookie } });
    expect(gated.status).toBe(404);
    expect(await gated.json()).toMatchObject({ error: "not_found" });
  });

  it("proxies the auth host when an app claims it", async () => {
    const { cookie } = await userWithSession();
    const withAuthHost = edgeWith({
      APPS: JSON.stringify([{ ...APPS[1], hosts: ["localhost"] }]),
    });
    expect((await echoOf(await withAuthHost("http://localhost:8787/page", { headers: { Cookie: cookie } }))).url).toBe("/page");
    expect((await withAuthHost("http://localhost:8787/.sesame/health")).status).toBe(200);
  });

  it("tells the origin the host the browser used, never a client-sent one", async () => {
    const { sessionId } = await userWithSession();
    const headers = { "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http" };
    const exact = await echoOf(
      await edge("https://wiki.example.com:8443/page", {
        headers: { ...headers, Cookie: await cookieOnHost(sessionId, "https://wiki.example.com:8443/page") },
      }),
    );
    expect(exact.headers["x-forwarded-host"]).toBe("wiki.example.com:8443");
    expect(exact.headers["x-forwarded-proto"]).toBe("https");
    const wildcard = await echoOf(
      await edge("https://team.wiki.example.com/page", {
        headers: { ...headers, Cookie: await cookieOnHost(sessionId, "https://team.wiki.example.com/page") },
      }),
    );
    expect(wildcard.headers["x-forwarded-host"]).toBe("team.wiki.example.com");
  });

  it("points the origin's absolute redirects at the host the browser used", async () => {
    const { sessionId } = await userWithSession();
    const res = await edge("https://tools.example.org/__redirect", {
      headers: { Cookie: await cookieOnHost(sessionId, "https://tools.example.org/__redirect") },
    });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toMatch(/^https:\/\/tools\.example\.org\//);
  });

  it("signs the assertion for the app's audience, with the groups claim", async () => {
    const { sessionId, user } = await userWithSession();
    const jwks = (await (await edge("http://localhost:8787/.well-known/jwks.json")).json()) as JSONWebKeySet;
    const wiki = await echoOf(
      await edge("http://wiki.example.com/page", { headers: { Cookie: await cookieOnHost(sessionId, "http://wiki.example.com/page") } }),
    );
    const { payload } = await jwtVerify(wiki.headers["sesame-assertion"]!, createLocalJWKSet(jwks), {
      issuer: "http://localhost:8787",
      audience: "https://wiki.example.com",
    });
    expect(payload).toMatchObject({ sub: user.id, email: user.email, groups: [] });
    const tools = await echoOf(
      await edge("http://tools.example.org/page", { headers: { Cookie: await cookieOnHost(sessionId, "http://tools.example.org/page") } }),
    );
    await expect(
      jwtVerify(tools.headers["sesame-assertion"]!, createLocalJWKSet(jwks), { audience: new URL(ORIGIN).origin }),
    ).resolves.toBeTruthy();
  });
});

describe("policies at the gate", () => {
  it("refuses a signed-in user with a 403 page naming the email, and the two ways out", async () => {
    const { sessionId, user } = await userWithSession();
    const res = await edge("http://wiki.example.com/admin/settings?tab=1", {
      headers: { Cookie: await cookieOnHost(sessionId, "http://wiki.example.com/admin/settings?tab=1"), ...HTML },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    const page = await res.text();
    expect(page).toContain(user.email);
    expect(page).toContain(`action="/.sesame/logout?everywhere=1&amp;then=login&amp;next=${encodeURIComponent("/admin/settings?tab=1")}"`);
    expect(page).toContain('action="/.sesame/logout"');
    expect(page).not.toContain("wiki-base");
  });

  it("refuses an API client with {error: forbidden}", async () => {
    const { sessionId } = await userWithSession();
    const res = await edge("http://wiki.example.com/admin", {
      headers: { Cookie: await cookieOnHost(sessionId, "http://wiki.example.com/admin") },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "forbidden" });
  });

  it("records access_denied with the app, the policy and the path", async () => {
    const { sessionId, user } = await userWithSession();
    await edge("http://wiki.example.com/admin/x", {
      headers: { Cookie: await cookieOnHost(sessionId, "http://wiki.example.com/admin/x") },
    });
    const row = await lastDenial(user.id);
    expect(row).toBeTruthy();
    // No policy let the user in: the reason says so.
    expect(row!.reason).toBe("no_policy");
    expect(JSON.parse(row!.detail!)).toMatchObject({ app: "wiki", policy: null, path: "/admin/x", amr: "link" });
    await edge("http://wiki.example.com/api/jobs", {
      headers: { Cookie: await cookieOnHost(sessionId, "http://wiki.example.com/api/jobs") },
    });
    expect(JSON.parse((await lastDenial(user.id))!.detail!)).toMatchObject({ app: "wiki", path: "/api/jobs" });
    // A deny policy refused the signed-in user: the reason and the policy name it.
    const refused = await edge("http://wiki.example.com/embargo/x", {
      headers: { Cookie: await cookieOnHost(sessionId, "http://wiki.example.com/embargo/x"), "CF-Connecting-IP": "203.0.113.9" },
      cf: { country: "KP" },
    } as RequestInit);
    expect(refused.status).toBe(403);
    const denied = await lastDenial(user.id);
    expect(denied!.reason).toBe("policy");
    expect(JSON.parse(denied!.detail!)).toMatchObject({ app: "wiki", policy: "embargo", path: "/embargo/x" });
  });

  it("lets a user in where the most specific policy admits them", async () => {
    const { sessionId } = await userWithSession();
    expect(
      (
        await echoOf(
          await edge("http://wiki.example.com/adminx", {
            headers: { Cookie: await cookieOnHost(sessionId, "http://wiki.example.com/adminx") },
          }),
        )
      ).url,
    ).toBe("/wiki-base/adminx");
  });

  it("sends a browser nobody signed in to sign in on the auth host, and answers 401 to an API client", async () => {
    const browser = await edge("http://wiki.example.com/admin/x", { headers: HTML });
    expect(browser.status).toBe(302);
    const signIn = new URL(browser.headers.get("Location")!);
    expect(signIn.origin + signIn.pathname).toBe("http://localhost:8787/.sesame/sso");
    expect(signIn.searchParams.get("next")).toBe("/admin/x");
    expect((await edge("http://wiki.example.com/page")).status).toBe(401);
  });

  it("refuses with 403, not a sign-in, what no sign-in can change", async () => {
    const blocked = await edge("http://wiki.example.com/embargo/x", {
      headers: { "CF-Connecting-IP": "203.0.113.9" },
      cf: { country: "KP" },
    } as RequestInit);
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toMatchObject({ error: "forbidden" });
    const elsewhere = await edge("http://wiki.example.com/embargo/x", { cf: { country: "DE" } } as RequestInit);
    expect(elsewhere.status).toBe(401);
  });

  it("answers 400 for an ambiguous path on an app with policies, and proxies nothing", async () => {
    const { cookie } = await userWithSession();
    for (const path of ["//admin/x", "/admin%2fx", "/admin\uff0fx", "/%2561dmin", "/admin%2ex", "/admin\u2215x", "/admin%E2%80%8Bx"]) {
      const res = await edge(`http://wiki.example.com${path}`, { headers: { Cookie: cookie } });
      expect(res.status, path).toBe(400);
      expect(await res.json()).toMatchObject({ error: "invalid_request", field: "path" });
    }
  });

  it("serves a bypass path to anyone, with no identity, even when signed in", async () => {
    const { sessionId } = await userWithSession();
    const anonymous = await echoOf(await edge("http://wiki.example.com/static/app.css"));
    expect(anonymous.headers["sesame-assertion"]).toBeUndefined();
    const signedIn = await echoOf(
      await edge("http://wiki.example.com/static/app.css", {
        headers: { Cookie: await cookieOnHost(sessionId, "http://wiki.example.com/static/app.css") },
      }),
    );
    expect(signedIn.headers["sesame-assertion"]).toBeUndefined();
    expect(signedIn.headers["sesame-user-email"]).toBeUndefined();
    expect(signedIn.headers.cookie).toBeUndefined();
  });

  it("sends no identity when the policy that selects a signed-in user is a bypass", async () => {
    const { sessionId } = await userWithSession();
    expect((await edge("http://wiki.example.com/docs/a")).status).toBe(401);
    const echo = await echoOf(
      await edge("http://wiki.example.com/docs/a", {
        headers: { Cookie: await cookieOnHost(sessionId, "http://wiki.example.com/docs/a") },
      }),
    );
    expect(echo.headers["sesame-assertion"]).toBeUndefined();
    expect(echo.headers["sesame-user-id"]).toBeUndefined();
  });

  it("admits only service tokens where the action is service", async () => {
    const { token, user } = await userWithServiceToken();
    const echo = await echoOf(await edge("http://wiki.example.com/api/jobs", { headers: { Authorization: `Bearer ${token}` } }));
    expect(echo.headers["sesame-user-email"]).toBe(user.email);
    expect(echo.headers.authorization).toBeUndefined();
    const { sessionId } = await userWithSession();
    expect(
      (
        await edge("http://wiki.example.com/api/jobs", {
          headers: { Cookie: await cookieOnHost(sessionId, "http://wiki.example.com/api/jobs") },
        })
      ).status,
    ).toBe(403);
  });
});

describe("forward-auth under APPS", () => {
  it("is not answered (404) rather than answered without the app's policies", async () => {
    const { cookie } = await userWithSession();
    for (const url of ["http://wiki.example.com/.sesame/verify", "http://localhost:8787/.sesame/verify"]) {
      const res = await edge(url, { headers: { Cookie: cookie, "X-Forwarded-Uri": "/admin/x" } });
      expect(res.status, url).toBe(404);
      expect(res.headers.get("Sesame-Assertion")).toBeNull();
    }
  });
});

describe("use another account", () => {
  it("signs out everywhere, then shows the sign-in page that returns to the refused page", async () => {
    const { cookie, sessionId, user } = await userWithSession();
    const other = await userWithSession();
    const toolsCookie = await cookieOnHost(sessionId, "http://tools.example.org/page");
    const res = await edge("http://localhost:8787/.sesame/logout?everywhere=1&then=login&next=%2Fadmin%2Fx", {
      method: "POST",
      headers: { Cookie: cookie, Origin: "http://localhost:8787" },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/.sesame/login?next=${encodeURIComponent("/admin/x")}`);
    expect((await edge("http://tools.example.org/page", { headers: { Cookie: toolsCookie } })).status).toBe(401);
    const otherOnTools = await cookieOnHost(other.sessionId, "http://tools.example.org/page");
    expect((await edge("http://tools.example.org/page", { headers: { Cookie: otherOnTools } })).status).toBe(200);
    expect(user.id).not.toBe(other.user.id);
  });

  it("never sends the browser off-site with next", async () => {
    const { cookie } = await userWithSession();
    const res = await edge("http://localhost:8787/.sesame/logout?then=login&next=%2F%2Fevil.example", {
      method: "POST",
      headers: { Cookie: cookie, Origin: "http://localhost:8787" },
    });
    expect(res.headers.get("Location")).toBe("/.sesame/login?next=%2F");
  });
});

describe("APPS in the configuration", () => {
  const request = () => new Request("http://wiki.example.com/page");

  it("refuses to serve with a bad APPS, naming the app and field in the log", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const bad = [{ ...APPS[0], policies: [{ ...APPS[0]!.policies[0], action: "permit" }] }];
    const res = await worker.fetch(
      request() as Parameters<typeof worker.fetch>[0],
      { ...env, APPS: JSON.stringify(bad) } as Env,
      createExecutionContext(),
    );
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("permit");
    const logged = log.mock.calls.map((call) => String(call[0])).join("\n");
    expect(logged).toContain("APPS[0].policies[0].action must be one of allow, deny, bypass, service");
  });

  it("needs no ORIGIN_URL with APPS, and says once that the single-app keys are ignored", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const config = getConfig({ ...env, APPS: JSON.stringify(APPS), PUBLIC_PATHS: "/x", ORIGIN_URL: "" });
    getConfig({ ...env, APPS: JSON.stringify(APPS) }); // another isolate's env: its own line
    expect(config.access.configured).toBe(true);
    const lines = log.mock.calls.map((call) => String(call[0])).filter((line) => line.includes("config_keys_ignored"));
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ keys: ["PUBLIC_PATHS"] });
    expect(JSON.parse(lines[1]!)).toMatchObject({ keys: ["ORIGIN_URL", "PUBLIC_PATHS"] });
  });

  it("still requires ORIGIN_URL without APPS", () => {
    expect(() => getConfig({ ...env, ORIGIN_URL: "" })).toThrow();
  });
});
