/**
 * Forward-auth under APPS (docs/forward-auth.md): /verify answers for apps marked
 * forwardAuth, with their policies, on the original request the proxy reports; it reads the
 * proxy's headers only there, and believes a client address or country only from a proxy
 * that sends FORWARD_AUTH_SECRET.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { desc, eq } from "drizzle-orm";
import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from "jose";
import { describe, expect, it, vi } from "vitest";
import type { AppDefinition } from "../src/access/types";
import { createApp } from "../src/app";
import { getConfig, parseConfig } from "../src/config";
import { createDb } from "../src/db/client";
import { authEvents } from "../src/db/schema";
import { ConfigError } from "../src/errors";
import { forwardedClient } from "../src/gate/forwarded-request";
import { addMember, createGroup } from "../src/groups/store";
import { cookieOnHost, userWithServiceToken, userWithSession } from "./gate-support";

const ORIGIN: string = env.ORIGIN_URL;
const SECRET = "forward-auth-secret-for-these-tests-0123456789";
const HTML = { Accept: "text/html" };

const APPS: AppDefinition[] = [
  {
    name: "wiki",
    hosts: ["wiki.example.com", "*.wiki.example.com"],
    origin: ORIGIN,
    audience: "https://wiki.example.com",
    forwardAuth: true,
    publicPaths: ["/static/*"],
    policies: [
      { name: "admins", path: "/admin/*", action: "allow", include: [{ group: "fa-admins" }] },
      { name: "staff", path: "/*", action: "allow", include: [{ everyone: true }] },
    ],
  },
  {
    name: "office",
    hosts: ["office.example.com"],
    origin: ORIGIN,
    forwardAuth: true,
    policies: [
      { name: "embargo", path: "/*", action: "deny", include: [{ country: "KP" }] },
      { name: "lan", path: "/*", action: "allow", include: [{ everyone: true }], require: [{ ip: "10.0.0.0/8" }] },
    ],
  },
  {
    name: "tools",
    hosts: ["tools.example.org"],
    origin: ORIGIN,
    policies: [{ name: "office", path: "/*", action: "allow", include: [{ ip: "10.0.0.0/8" }] }],
  },
];

type AbsoluteFetcher = ((url: string, init?: RequestInit) => Promise<Response>) & { config: ReturnType<typeof getConfig> };

function edgeWith(overrides: Record<string, unknown> = {}): AbsoluteFetcher {
  const modified = { ...env, APPS: JSON.stringify(APPS), FORWARD_AUTH_SECRET: SECRET, ...overrides } as Env;
  const config = getConfig(modified);
  const app = createApp(config);
  const fetcher = async (url: string, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(url, { redirect: "manual", ...init }), modified, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return Object.assign(fetcher, { config });
}

const edge = edgeWith();
const WIKI_VERIFY = "http://wiki.example.com/.sesame/verify";
const OFFICE_VERIFY = "http://office.example.com/.sesame/verify";

async function wikiCookie(): Promise<{ cookie: string; userId: string; email: string }> {
  const { user, sessionId } = await userWithSession();
  return { cookie: await cookieOnHost(sessionId, WIKI_VERIFY, edge.config), userId: user.id, email: user.email };
}

describe("forward-auth for an app of APPS", () => {
  it("answers 204 with the identity headers and an assertion for the app's audience", async () => {
    const { cookie, userId, email } = await wikiCookie();
    const res = await edge(WIKI_VERIFY, {
      headers: { Cookie: cookie, "X-Forwarded-Host": "wiki.example.com", "X-Forwarded-Uri": "/page?x=1" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Sesame-User-Id")).toBe(userId);
    expect(res.headers.get("Sesame-User-Email")).toBe(email);
    const jwks = createLocalJWKSet((await (await edge("http://localhost:8787/.well-known/jwks.json")).json()) as JSONWebKeySet);
    const { payload } = await jwtVerify(res.headers.get("Sesame-Assertion")!, jwks, { audience: "https://wiki.example.com" });
    expect(payload).toMatchObject({ sub: userId, groups: [] });
  });

  it("answers 404 on an app not marked forwardAuth, whose requests the gate decides", async () => {
    const { sessionId } = await userWithSession();
    const cookie = await cookieOnHost(sessionId, "http://tools.example.org/", edge.config);
    const res = await edge("http://tools.example.org/.sesame/verify", { headers: { Cookie: cookie, "X-Forwarded-Uri": "/" } });
    expect(res.status).toBe(404);
  });

  it("decides with the app's policies on the reported path: 403 and an access_denied event for a user outside the group", async () => {
    const { cookie, userId } = await wikiCookie();
    const res = await edge(WIKI_VERIFY, { headers: { Cookie: cookie, "X-Forwarded-Uri": "/admin/x", Accept: "application/json" } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "forbidden" });
    expect(res.headers.get("Sesame-User-Id")).toBeNull();
    const events = await createDb(env.DB).select().from(authEvents).where(eq(authEvents.userId, userId)).orderBy(desc(authEvents.id)).all();
    const denied = events.find((event) => event.event === "access_denied");
    // The only policy of /admin/* does not select this user: no policy matched.
    expect(JSON.parse(denied!.detail!)).toMatchObject({ app: "wiki", policy: null, path: "/admin/x" });
    const page = await edge(WIKI_VERIFY, { headers: { Cookie: cookie, "X-Original-URI": "/admin/x", ...HTML } });
    expect(page.status).toBe(403);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
  });

  it("lets a member of the group in on the same path", async () => {
    const db = createDb(env.DB);
    await createGroup(db, "fa-admins").catch(() => undefined);
    const { user, sessionId } = await userWithSession();
    await addMember(db, "fa-admins", user.id);
    const cookie = await cookieOnHost(sessionId, WIKI_VERIFY, edge.config);
    const res = await edge(WIKI_VERIFY, { headers: { Cookie: cookie, "X-Forwarded-Uri": "/admin/x" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("Sesame-User-Id")).toBe(user.id);
  });

  it("answers 204 with empty identity headers on a public path, signed in or not", async () => {
    const res = await edge(WIKI_VERIFY, { headers: { "X-Forwarded-Uri": "/static/app.css" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("Sesame-Assertion")).toBe("");
    const { cookie } = await wikiCookie();
    const signedIn = await edge(WIKI_VERIFY, { headers: { Cookie: cookie, "X-Forwarded-Uri": "/static/app.css" } });
    expect(signedIn.status).toBe(204);
    for (const name of ["Sesame-Assertion", "Sesame-User-Id", "Sesame-User-Email"]) expect(signedIn.headers.get(name), name).toBe("");
  });

  it("accepts a service token as a bearer", async () => {
    const { user, token } = await userWithServiceToken();
    const res = await edge(WIKI_VERIFY, { headers: { Authorization: `Bearer ${token}`, "X-Forwarded-Uri": "/api" } });
    expect(res.status).toBe(204);
    expect(res.headers.get("Sesame-User-Id")).toBe(user.id);
  });

  it("refuses the auth host's cookie on the app host (cookies are bound to their host)", async () => {
    const { cookie } = await userWithSession();
    expect((await edge(WIKI_VERIFY, { headers: { Cookie: cookie, "X-Forwarded-Uri": "/page" } })).status).toBe(401);
  });
});

describe("signing in through forward-auth on an app host", () => {
  it("answers 401 with the handoff to the auth host in Sesame-Login-Url and its state cookie", async () => {
    const res = await edge(WIKI_VERIFY, { headers: { "X-Forwarded-Uri": "/page?x=1", ...HTML } });
    expect(res.status).toBe(401);
    const login = new URL(res.headers.get("Sesame-Login-Url")!);
    expect(login.origin + login.pathname).toBe("http://localhost:8787/.sesame/sso");
    expect(login.searchParams.get("app")).toBe("wiki");
    expect(login.searchParams.get("origin")).toBe("http://wiki.example.com");
    expect(login.searchParams.get("next")).toBe("/page?x=1");
    expect(res.headers.getSetCookie()[0]).toMatch(/^sesame-state=[\w-]{43}; /);
  });

  it("with ?redirect=1 sends a browser navigation there directly, and API clients still get 401", async () => {
    const res = await edge(`${WIKI_VERIFY}?redirect=1`, { headers: { "X-Forwarded-Uri": "/page", "X-Forwarded-Method": "GET", ...HTML } });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toMatch(/^http:\/\/localhost:8787\/\.sesame\/sso\?app=wiki&/);
    expect(res.headers.getSetCookie()[0]).toMatch(/^sesame-state=/);
    const post = await edge(`${WIKI_VERIFY}?redirect=1`, {
      headers: { "X-Forwarded-Uri": "/page", "X-Forwarded-Method": "POST", ...HTML },
    });
    expect(post.status).toBe(401);
  });
});

describe("the original request the proxy reports", () => {
  it("reads X-Original-URL, absolute or a path, and X-Original-URI", async () => {
    const { cookie } = await wikiCookie();
    const variants: Record<string, string>[] = [
      { "X-Original-URL": "https://team.wiki.example.com/admin/x" },
      { "X-Original-URL": "/admin/x" },
      { "X-Original-URI": "/admin/x" },
    ];
    for (const headers of variants) {
      expect((await edge(WIKI_VERIFY, { headers: { Cookie: cookie, ...headers } })).status, JSON.stringify(headers)).toBe(403);
    }
  });

  it("decides an absolute X-Original-URL without a path on /", async () => {
    const { cookie } = await wikiCookie();
    const res = await edge(WIKI_VERIFY, { headers: { Cookie: cookie, "X-Original-URL": "https://wiki.example.com" } });
    expect(res.status).toBe(204);
  });

  it("refuses with 400 a host of another app, or a host that is no app's, naming the header", async () => {
    const { cookie } = await wikiCookie();
    for (const [header, value, uri] of [
      ["X-Forwarded-Host", "tools.example.org", "/page"],
      ["X-Forwarded-Host", "evil.example", "/page"],
      ["X-Forwarded-Host", "wiki.example.com, tools.example.org", "/page"],
      ["X-Original-URL", "https://office.example.com/page", null],
    ] as const) {
      const headers: Record<string, string> = { Cookie: cookie, [header]: value, Accept: "application/json" };
      if (uri) headers["X-Forwarded-Uri"] = uri;
      const res = await edge(WIKI_VERIFY, { headers });
      expect(res.status, `${header}: ${value}`).toBe(400);
      expect(((await res.json()) as { field: string }).field).toBe(header);
    }
    // Another host of the same app is that app.
    const same = await edge(WIKI_VERIFY, {
      headers: { Cookie: cookie, "X-Forwarded-Host": "team.wiki.example.com:8443", "X-Forwarded-Uri": "/p" },
    });
    expect(same.status).toBe(204);
  });

  it("refuses with 400 a missing URI, two that disagree, and an ambiguous one", async () => {
    const { cookie } = await wikiCookie();
    const ask = (headers: Record<string, string>) =>
      edge(WIKI_VERIFY, { headers: { Cookie: cookie, Accept: "application/json", ...headers } });
    expect((await ask({})).status).toBe(400);
    expect(
      (await ask({ "X-Forwarded-Uri": "/page", "X-Original-URI": "/page", "X-Original-URL": "http://wiki.example.com/page" })).status,
    ).toBe(204);
    const disagree = await ask({ "X-Forwarded-Uri": "/static/x", "X-Original-URI": "/admin/x" });
    expect(disagree.status).toBe(400);
    expect(((await disagree.json()) as { field: string }).field).toBe("X-Original-URI");
    for (const uri of [
      "/static/../admin/x",
      "/static/%2e%2e/admin/x",
      "//admin/x",
      "/admin%2fx",
      "/a\\b",
      "admin",
      "/a b",
      "/%EF%BC%8Fadmin",
      "/x#y",
    ]) {
      expect((await ask({ "X-Forwarded-Uri": uri })).status, uri).toBe(400);
    }
  });
});

describe("client address and country under forward-auth", () => {
  async function officeCookie() {
    const { sessionId } = await userWithSession();
    return cookieOnHost(sessionId, OFFICE_VERIFY, edge.config);
  }
  const proven = (extra: Record<string, string>) => ({ "X-Forwarded-Uri": "/desk", "Sesame-Forward-Auth-Secret": SECRET, ...extra });

  it("believes X-Forwarded-For (its last entry) and the country header from a proxy that sends the secret", async () => {
    const cookie = await officeCookie();
    const ask = (extra: Record<string, string>) => edge(OFFICE_VERIFY, { headers: { Cookie: cookie, ...proven(extra) } });
    expect((await ask({ "X-Forwarded-For": "10.1.2.3" })).status).toBe(204);
    expect((await ask({ "X-Forwarded-For": "10.9.9.9, 203.0.113.5" })).status).toBe(403);
    expect((await ask({ "X-Forwarded-For": "203.0.113.5, 10.1.2.3" })).status).toBe(204);
    expect((await ask({ "X-Forwarded-For": "10.1.2.3", "Sesame-Forward-Auth-Country": "KP" })).status).toBe(403);
    expect((await ask({ "X-Forwarded-For": "not-an-address" })).status).toBe(403);
    expect((await ask({})).status).toBe(403);
    // A country that is not a two-letter code is no country: the embargo does not select it.
    expect((await ask({ "X-Forwarded-For": "10.1.2.3", "Sesame-Forward-Auth-Country": "K P" })).status).toBe(204);
  });

  it("believes nothing when no secret is configured at all", async () => {
    const config = { ...edge.config, origin: { ...edge.config.origin, forwardAuthSecret: null } };
    const office = config.access.appByName("office")!;
    const request = new Request(OFFICE_VERIFY, { headers: proven({ "X-Forwarded-For": "10.1.2.3" }) });
    expect(await forwardedClient(config, office, request)).toBeNull();
    expect(await forwardedClient(edge.config, office, request)).toEqual({ ip: "10.1.2.3", country: null });
  });

  it("answers 403 to every question when the secret is missing or wrong, whatever the headers claim", async () => {
    const cookie = await officeCookie();
    for (const secret of [null, "", SECRET.slice(0, -1), `${SECRET}x`]) {
      const headers: Record<string, string> = { Cookie: cookie, "X-Forwarded-Uri": "/desk", "X-Forwarded-For": "10.1.2.3" };
      if (secret !== null) headers["Sesame-Forward-Auth-Secret"] = secret;
      expect((await edge(OFFICE_VERIFY, { headers })).status, String(secret)).toBe(403);
    }
    // Nobody signed in either: no sign-in can make an unproven proxy believable.
    const log = vi.spyOn(console, "log");
    expect((await edge(OFFICE_VERIFY, { headers: { "X-Forwarded-Uri": "/desk", "X-Forwarded-For": "10.1.2.3" } })).status).toBe(403);
    const lines = log.mock.calls.map(([line]) => String(line));
    log.mockRestore();
    expect(lines.some((line) => line.includes('"msg":"forward_auth_unproven"') && line.includes('"app":"office"'))).toBe(true);
  });

  it("never believes these headers on the gate's own routes, secret or not", async () => {
    const { sessionId } = await userWithSession();
    const url = "http://tools.example.org/desk";
    const cookie = await cookieOnHost(sessionId, url, edge.config);
    const claimed = {
      Cookie: cookie,
      "X-Forwarded-For": "10.1.2.3",
      "Sesame-Forward-Auth-Secret": SECRET,
      "CF-Connecting-IP": "203.0.113.9",
    };
    expect((await edge(url, { headers: claimed })).status).toBe(403);
    const office = await edge("http://office.example.com/desk", { headers: { ...claimed, Cookie: await officeCookie() } });
    expect(office.status).toBe(403);
  });

  it("is a configuration error without FORWARD_AUTH_SECRET, or with a short one", () => {
    const base = {
      SESAME_SECRET: "s".repeat(32),
      SIGNING_KEYS: env.SIGNING_KEYS,
      PUBLIC_URL: "http://localhost:8787",
      MAILER: "dev",
      MAIL_FROM: "login@example.com",
    };
    const problems = (overrides: Record<string, string>) => {
      try {
        parseConfig({ ...base, APPS: JSON.stringify(APPS), ...overrides });
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
    };
    expect(problems({})).toEqual([
      'FORWARD_AUTH_SECRET is required: APPS[1] ("office") has forwardAuth and ip or country selectors (docs/forward-auth.md)',
    ]);
    expect(problems({ FORWARD_AUTH_SECRET: "short" })).toEqual(["FORWARD_AUTH_SECRET is too short: at least 32 bytes"]);
    expect(problems({ FORWARD_AUTH_SECRET: SECRET })).toEqual([]);
    // An app that is not asked by forward-auth reads Cloudflare's own address: no secret needed.
    expect(problems({ APPS: JSON.stringify([APPS[0], APPS[2]]) })).toEqual([]);
  });
});
