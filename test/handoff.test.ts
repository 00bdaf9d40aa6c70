/**
 * One sign-in for every app (docs/access.md, "One sign-in for every app"; docs/security.md):
 * the state cookie, the code and its bindings, host-bound session cookies, sign-out
 * everywhere, and what an app host serves, through the worker's fetch at per-host URLs.
 */
import { env } from "cloudflare:workers";
import { desc, eq } from "drizzle-orm";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import type { AppDefinition, PolicyDefinition } from "../src/access/types";
import { createDb } from "../src/db/client";
import { authEvents, handoffCodes, sessions, users } from "../src/db/schema";
import { revokeSession } from "../src/sessions";
import { rotateSecurityStamp } from "../src/users/store";
import { deps, echoOf, userWithSession } from "./gate-support";
import { failingD1 } from "./reliability/support/failing-bindings";
import { Browser, edgeAt } from "./support/browser";

const ORIGIN: string = env.ORIGIN_URL;
const AUTH = "http://localhost:8787";
const everyone: PolicyDefinition = { name: "everyone", path: "/*", action: "allow", include: [{ everyone: true }] };

function appsOn(wiki: string, tools: string): AppDefinition[] {
  return [
    {
      name: "wiki",
      hosts: [wiki],
      origin: `${ORIGIN}/wiki-base/`,
      policies: [{ name: "admins", path: "/admin/*", action: "allow", include: [{ group: "admins" }] }, everyone],
    },
    { name: "tools", hosts: [tools], origin: ORIGIN, policies: [everyone] },
  ];
}

const edge = edgeAt({ APPS: JSON.stringify(appsOn("wiki.example.com", "tools.example.org")) });
const db = createDb(env.DB);

/** A browser already signed in (by link, or by `amr`) on the auth host: its own cookie there, none on any app host. */
async function signedInBrowser(
  amr: "link" | "code" = "link",
  through = edge,
): Promise<{ browser: Browser; sessionId: string; userId: string; email: string }> {
  const { cookie, sessionId, user } = await userWithSession(amr);
  const browser = new Browser(through);
  const [name, value] = cookie.split("=") as [string, string];
  browser.setCookie("localhost", name, value);
  return { browser, sessionId, userId: user.id, email: user.email };
}

/** Runs the trip up to the handoff URL and returns it, without opening it. */
async function handoffUrlFor(browser: Browser, url: string): Promise<string> {
  const start = await browser.open(url);
  const issued = await browser.open(start.headers.get("Location")!);
  expect(issued.status).toBe(302);
  return issued.headers.get("Location")!;
}

async function lastRefusal() {
  const rows = await db.select().from(authEvents).where(eq(authEvents.event, "handoff_refused")).orderBy(desc(authEvents.id)).all();
  return rows[0];
}

describe("signing in once for every app", () => {
  it("sends a browser without a session on an app host to the auth host with a host-only state cookie", async () => {
    const res = await new Browser(edge).open("http://wiki.example.com/page?q=1");
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get("Location")!);
    expect(location.origin + location.pathname).toBe(`${AUTH}/.sesame/sso`);
    expect(location.searchParams.get("app")).toBe("wiki");
    expect(location.searchParams.get("origin")).toBe("http://wiki.example.com");
    expect(location.searchParams.get("next")).toBe("/page?q=1");
    const state = res.headers.getSetCookie().find((line) => line.startsWith("sesame-state="))!;
    expect(state).toMatch(/^sesame-state=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax$/);
    expect(state).not.toMatch(/domain/i);
    // Only the state's hash travels; the value stays in the app host's cookie.
    expect(location.search).not.toContain(state.split(";")[0]!.split("=")[1]!);
  });

  it("comes back signed in, with a cookie that names the app host and shares the session id", async () => {
    const { browser, sessionId, email } = await signedInBrowser();
    const { res, visited } = await browser.follow("http://wiki.example.com/page?q=1");
    expect(visited.map((url) => new URL(url).host + new URL(url).pathname)).toEqual([
      "wiki.example.com/page",
      "localhost:8787/.sesame/sso",
      "wiki.example.com/.sesame/handoff",
      "wiki.example.com/page",
    ]);
    const echo = await echoOf(res);
    expect(echo.url).toBe("/wiki-base/page?q=1");
    expect(echo.headers["sesame-user-email"]).toBe(email);
    const claims = decodeJwt(browser.cookie("wiki.example.com", "sesame")!);
    expect(claims.hst).toBe("wiki.example.com");
    expect(claims.sid).toBe(sessionId);
  });

  it("carries how the user signed in: a session begun with a code is one on the app host too", async () => {
    const { browser } = await signedInBrowser("code");
    const { res } = await browser.follow("http://wiki.example.com/page");
    const echo = await echoOf(res);
    expect(decodeJwt(echo.headers["sesame-assertion"]!).amr).toBe("code");
    expect(decodeJwt(browser.cookie("wiki.example.com", "sesame")!).amr).toBe("code");
  });

  it("sets the app host's session cookie host-only and HttpOnly", async () => {
    const { browser } = await signedInBrowser();
    const handoff = await browser.open(await handoffUrlFor(browser, "http://tools.example.org/x"));
    expect(handoff.status).toBe(303);
    expect(handoff.headers.get("Location")).toBe("/x");
    const session = handoff.headers.getSetCookie().find((line) => line.startsWith("sesame="))!;
    expect(session).toMatch(/; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
    expect(session).not.toMatch(/domain/i);
  });

  it("shows the sign-in page on the auth host when there is no session there, and returns through the handoff after it", async () => {
    const browser = new Browser(edge);
    const start = await browser.open("http://wiki.example.com/notes");
    const sso = await browser.open(start.headers.get("Location")!);
    expect(sso.status).toBe(302);
    const login = new URL(sso.headers.get("Location")!, AUTH);
    expect(login.pathname).toBe("/.sesame/login");
    const next = login.searchParams.get("next")!;
    expect(next.startsWith("/.sesame/continue/")).toBe(true);
    expect(await (await browser.open(login.href)).text()).toContain(`value="${next.replaceAll("&", "&amp;")}"`);
    // Signing in ends on `next`: here the sign-in is a session made directly.
    const { cookie } = await userWithSession();
    const [name, value] = cookie.split("=") as [string, string];
    browser.setCookie("localhost", name, value);
    const { res } = await browser.follow(new URL(next, AUTH).href);
    expect((await echoOf(res)).url).toBe("/wiki-base/notes");
  });

  it("brings a page address too long to carry through sign-in back to the app's home page, never a server error", async () => {
    const browser = new Browser(edge);
    const start = await browser.open(`http://wiki.example.com/${"a".repeat(1300)}`);
    const sso = await browser.open(start.headers.get("Location")!);
    expect(sso.status).toBe(302);
    const next = new URL(sso.headers.get("Location")!, AUTH).searchParams.get("next")!;
    const { cookie } = await userWithSession();
    const [name, value] = cookie.split("=") as [string, string];
    browser.setCookie("localhost", name, value);
    const { res } = await browser.follow(new URL(next, AUTH).href);
    expect((await echoOf(res)).url).toBe("/wiki-base/");
  });

  it("keeps the state of a browser that already has one, so two tabs signing in at once both come back", async () => {
    const { browser } = await signedInBrowser();
    const first = await handoffUrlFor(browser, "http://wiki.example.com/one");
    const second = await handoffUrlFor(browser, "http://wiki.example.com/two");
    expect((await browser.open(first)).headers.get("Location")).toBe("/one");
    browser.setCookie("wiki.example.com", "sesame", "");
    expect((await browser.open(second)).headers.get("Location")).toBe("/two");
  });

  it("stores only the code's hash, for at most 60 seconds", async () => {
    const { browser } = await signedInBrowser();
    const before = Date.now();
    const code = new URL(await handoffUrlFor(browser, "http://wiki.example.com/a")).searchParams.get("code")!;
    const rows = await db.select().from(handoffCodes).all();
    expect(JSON.stringify(rows)).not.toContain(code);
    const row = rows.find((r) => r.origin === "http://wiki.example.com" && r.path === "/a")!;
    expect(row.expiresAt - before).toBeLessThanOrEqual(60_000 + (Date.now() - before));
  });
});

it("sweeps codes that expired unused when the next one is issued", async () => {
  const { browser } = await signedInBrowser();
  await handoffUrlFor(browser, "http://wiki.example.com/abandoned");
  await db
    .update(handoffCodes)
    .set({ expiresAt: Date.now() - 1 })
    .where(eq(handoffCodes.path, "/abandoned"))
    .run();
  await handoffUrlFor(browser, "http://wiki.example.com/later");
  expect(await db.select().from(handoffCodes).where(eq(handoffCodes.path, "/abandoned")).all()).toEqual([]);
});

describe("refused handoffs (login CSRF)", () => {
  it("signs nobody in when the handoff URL is opened in another browser", async () => {
    const attacker = await signedInBrowser();
    const url = await handoffUrlFor(attacker.browser, "http://wiki.example.com/page");
    const victim = new Browser(edge);
    await victim.open("http://wiki.example.com/page"); // the victim even has a state cookie of its own
    const res = await victim.open(url);
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie().some((line) => line.startsWith("sesame="))).toBe(false);
    expect((await lastRefusal())?.reason).toBe("state_mismatch");
    // The code is gone: the attacker cannot use it afterwards either.
    expect((await attacker.browser.open(url)).status).toBe(400);
  });

  it("refuses a replayed code", async () => {
    const { browser } = await signedInBrowser();
    const url = await handoffUrlFor(browser, "http://wiki.example.com/page");
    const state = browser.cookie("wiki.example.com", "sesame-state")!;
    expect((await browser.open(url)).status).toBe(303);
    browser.setCookie("wiki.example.com", "sesame-state", state);
    const replay = await browser.open(url);
    expect(replay.status).toBe(400);
    expect((await lastRefusal())?.reason).toBe("unknown_used_or_expired");
  });

  it("refuses an expired code", async () => {
    const { browser } = await signedInBrowser();
    const url = await handoffUrlFor(browser, "http://wiki.example.com/late");
    await db
      .update(handoffCodes)
      .set({ expiresAt: Date.now() - 1 })
      .where(eq(handoffCodes.path, "/late"))
      .run();
    expect((await browser.open(url)).status).toBe(400);
    expect((await lastRefusal())?.reason).toBe("unknown_used_or_expired");
  });

  it("refuses a code for one app presented on another, even with the same state", async () => {
    const { browser } = await signedInBrowser();
    const url = new URL(await handoffUrlFor(browser, "http://wiki.example.com/page"));
    browser.setCookie("tools.example.org", "sesame-state", browser.cookie("wiki.example.com", "sesame-state")!);
    url.host = "tools.example.org";
    expect((await browser.open(url.href)).status).toBe(400);
    expect((await lastRefusal())?.reason).toBe("wrong_app");
  });

  it("refuses a code whose session ended after it was issued", async () => {
    const { browser, sessionId } = await signedInBrowser();
    const url = await handoffUrlFor(browser, "http://wiki.example.com/page");
    await revokeSession(deps(), sessionId);
    expect((await browser.open(url)).status).toBe(400);
    expect((await lastRefusal())?.reason).toBe("session_ended");
  });

  // D1 alone knows these until the next revalidation (KV holds only explicit revocations).
  const HOUR = 3_600_000;
  it.each([
    ["its row was revoked in D1", (id: string) => db.update(sessions).set({ revokedAt: Date.now() }).where(eq(sessions.id, id)).run()],
    [
      "its row expired",
      (id: string) =>
        db
          .update(sessions)
          .set({ expiresAt: Date.now() - 1 })
          .where(eq(sessions.id, id))
          .run(),
    ],
    [
      "it is older than SESSION_ABSOLUTE_MAX_AGE",
      async (id: string, userId: string) => {
        const signedIn = Date.now() - deps().config.session.absoluteMaxAgeSeconds * 1000 - HOUR;
        await db
          .update(users)
          .set({ stateChangedAt: signedIn - HOUR })
          .where(eq(users.id, userId))
          .run();
        await db.update(sessions).set({ createdAt: signedIn }).where(eq(sessions.id, id)).run();
      },
    ],
    [
      "its user was deactivated",
      (_id: string, userId: string) => db.update(users).set({ isActive: false }).where(eq(users.id, userId)).run(),
    ],
    [
      "its user's security state changed (revoke all, new email)",
      (_id: string, userId: string) => rotateSecurityStamp(db, userId, Date.now() + 1),
    ],
  ])("refuses a code whose session ended in D1 after it was issued: %s", async (_label, end) => {
    const { browser, sessionId, userId } = await signedInBrowser();
    const url = await handoffUrlFor(browser, "http://wiki.example.com/page");
    await end(sessionId, userId);
    const res = await browser.open(url);
    expect(res.status).toBe(400);
    expect(res.headers.getSetCookie().some((line) => line.startsWith("sesame="))).toBe(false);
    expect((await lastRefusal())?.reason).toBe("session_ended");
  });

  it("answers 503, not a refusal, when D1 cannot read the user's groups for the app host's cookie", async () => {
    const groupsRead = failingD1(env.DB, "none");
    const flaky = edgeAt({ APPS: JSON.stringify(appsOn("wiki.example.com", "tools.example.org")), DB: groupsRead.binding });
    const { browser } = await signedInBrowser("link", flaky);
    const url = await handoffUrlFor(browser, "http://wiki.example.com/page");
    groupsRead.setMode((sql) => /from "group_members"/i.test(sql));
    const res = await browser.open(url);
    expect(res.status).toBe(503);
    expect(res.headers.getSetCookie().some((line) => line.startsWith("sesame="))).toBe(false);
    expect(groupsRead.refused).toHaveLength(1);
  });

  it("issues no code for an origin that is not one of the app's hosts", async () => {
    const { browser } = await signedInBrowser();
    const start = new URL((await browser.open("http://wiki.example.com/page")).headers.get("Location")!);
    for (const origin of ["http://tools.example.org", "http://evil.example", "http://wiki.example.com/path", "ftp://wiki.example.com"]) {
      start.searchParams.set("origin", origin);
      const res = await browser.open(start.href);
      expect(res.status, origin).toBe(400);
      expect(await res.text()).toContain("host the app does not have");
    }
  });
});

describe("cookies and routes per host", () => {
  it("refuses a session cookie minted for one host on another", async () => {
    const { browser } = await signedInBrowser();
    await browser.follow("http://wiki.example.com/page");
    const wikiCookie = `sesame=${browser.cookie("wiki.example.com", "sesame")}`;
    const authCookie = `sesame=${browser.cookie("localhost", "sesame")}`;
    const onTools = await edge("http://tools.example.org/page", { headers: { Cookie: wikiCookie, Accept: "text/html" } });
    expect(new URL(onTools.headers.get("Location")!).pathname).toBe("/.sesame/sso");
    expect((await edge(`${AUTH}/.sesame/me`, { headers: { Cookie: wikiCookie } })).status).toBe(401);
    const authOnWiki = await edge("http://wiki.example.com/page", { headers: { Cookie: authCookie, Accept: "text/html" } });
    expect(new URL(authOnWiki.headers.get("Location")!).pathname).toBe("/.sesame/sso");
    expect((await edge("http://wiki.example.com/.sesame/me", { headers: { Cookie: wikiCookie } })).status).toBe(200);
  });

  it("serves only handoff, logout, me, verify and the stylesheet under the prefix on an app host", async () => {
    for (const path of [
      "/.sesame/login",
      "/.sesame/sso",
      "/.sesame/link",
      "/.sesame/code",
      "/.sesame/admin/api/users",
      "/.sesame/health",
      "/.sesame/style.css/x",
    ]) {
      expect((await edge(`http://wiki.example.com${path}`)).status, path).toBe(404);
    }
    expect((await edge("http://wiki.example.com/.sesame/me")).status).toBe(401);
    expect((await edge("http://wiki.example.com/.sesame/logout")).status).toBe(200);
    expect((await edge("http://wiki.example.com/.sesame/style.css")).status).toBe(200);
    expect((await edge("http://wiki.example.com/.sesame/handoff?code=x")).status).toBe(400);
    expect((await edge(`${AUTH}/.sesame/handoff?code=x`)).status).toBe(404);
  });
});

describe("signing out", () => {
  it("on one app ends the session on every app and on the auth host", async () => {
    const { browser } = await signedInBrowser();
    await browser.follow("http://wiki.example.com/page");
    await browser.follow("http://tools.example.org/page");
    const crossSite = await browser.open("http://wiki.example.com/.sesame/logout", {
      method: "POST",
      headers: { Origin: "http://tools.example.org" },
    });
    expect(crossSite.status).toBe(403);
    const out = await browser.open("http://wiki.example.com/.sesame/logout", {
      method: "POST",
      headers: { Origin: "http://wiki.example.com" },
    });
    expect(out.status).toBe(303);
    const tools = await browser.open("http://tools.example.org/page");
    expect(new URL(tools.headers.get("Location")!).pathname).toBe("/.sesame/sso");
    expect((await browser.open(`${AUTH}/.sesame/me`, { headers: { Accept: "application/json" } })).status).toBe(401);
  });

  it("'use another account' signs out everywhere and then shows the sign-in page, not single sign-on", async () => {
    const { browser } = await signedInBrowser();
    const refused = (await browser.follow("http://wiki.example.com/admin/x")).res;
    expect(refused.status).toBe(403);
    const { res, visited } = await browser.follow("http://wiki.example.com/.sesame/logout?everywhere=1&then=login&next=%2Fadmin%2Fx", {
      method: "POST",
      headers: { Origin: "http://wiki.example.com" },
    });
    expect(res.status).toBe(200);
    expect(new URL(visited.at(-1)!).pathname).toBe("/.sesame/login");
    expect(visited.some((url) => url.includes("/.sesame/handoff"))).toBe(false);
  });
});

describe("across registrable domains", () => {
  const https = edgeAt({
    PUBLIC_URL: "https://auth.example.net",
    MAILER: "mailchannels",
    MAILCHANNELS_API_KEY: "unused",
    APPS: JSON.stringify(appsOn("wiki.example.com", "tools.example.org")),
  });

  it("signs in on wiki.example.com and tools.example.org from auth.example.net with __Host- cookies", async () => {
    const { cookie, sessionId } = await userWithSession();
    const browser = new Browser(https);
    browser.setCookie("auth.example.net", "__Host-sesame", cookie.split("=")[1]!);
    for (const host of ["wiki.example.com", "tools.example.org"]) {
      const start = await browser.open(`https://${host}/page`);
      expect(start.headers.get("Location")!.startsWith("https://auth.example.net/.sesame/sso?")).toBe(true);
      expect(start.headers.getSetCookie()[0]).toMatch(/^__Host-sesame-state=[^;]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
      const { res } = await browser.follow(start.headers.get("Location")!);
      expect(res.status).toBe(200);
      expect(decodeJwt(browser.cookie(host, "__Host-sesame")!)).toMatchObject({ sid: sessionId, hst: host });
    }
  });

  it("issues no code for a plain-http app origin when PUBLIC_URL is https", async () => {
    const { cookie } = await userWithSession();
    const browser = new Browser(https);
    browser.setCookie("auth.example.net", "__Host-sesame", cookie.split("=")[1]!);
    const start = new URL((await browser.open("https://wiki.example.com/page")).headers.get("Location")!);
    start.searchParams.set("origin", "http://wiki.example.com");
    expect((await browser.open(start.href)).status).toBe(400);
  });
});
