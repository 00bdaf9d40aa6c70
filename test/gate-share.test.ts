import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { sessions } from "../src/db/schema";
import { admin, adminOk, createUserViaApi, expectError, type UserJson } from "./admin-client";
import { cookieFrom, EDGE, echoOf, gate, userWithServiceToken, userWithSession, workerWith } from "./gate-support";

interface ShareLink {
  token: string;
  url: string;
  scope: string;
  expiresAt: string;
}

async function shareLink(path: string, maxAge?: number): Promise<ShareLink & { user: UserJson }> {
  const user = await createUserViaApi();
  const link = await adminOk<ShareLink>("POST", `/users/${user.id}/share-links`, 201, { json: { path, ...(maxAge && { maxAge }) } });
  return { ...link, user };
}

/** Opens a share link as a browser would: returns the share cookie and where it was sent. */
async function open(link: string): Promise<{ cookie: string; setCookie: string; location: string }> {
  const url = new URL(link);
  const res = await gate(url.pathname + url.search, { headers: { Accept: "text/html" } });
  expect(res.status).toBe(303);
  const setCookie = res.headers.getSetCookie()[0]!;
  return { cookie: cookieFrom(setCookie), setCookie, location: res.headers.get("Location")! };
}

describe("issuing share links", () => {
  it("gives the token, its URL on the shared path, the scope and the expiry (7 days by default)", async () => {
    const link = await shareLink("/reports/42");
    expect(link.scope).toBe("path:/reports/42");
    expect(link.url).toBe(`http://localhost:8787/reports/42?sesame=${link.token}`);
    const days = (Date.parse(link.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
  });

  it("points a folder link at the folder itself", async () => {
    const link = await shareLink("/reports/*", 3600);
    expect(link.url).toBe(`http://localhost:8787/reports?sesame=${link.token}`);
    expect(Date.parse(link.expiresAt) - Date.now()).toBeLessThanOrEqual(3600_000);
  });

  it("refuses bad paths and ages naming the field, and paths under the auth prefix", async () => {
    const user = await createUserViaApi();
    const base = `/users/${user.id}/share-links`;
    for (const path of ["reports", "/a/../b", "/a//b", "/a%2fb", "/a?b", "/a*", "", "/.sesame/me", "/.sesame"]) {
      await expectError(await admin("POST", base, { json: { path } }), 400, "path");
    }
    await expectError(await admin("POST", base, { json: {} }), 400, "path");
    await expectError(await admin("POST", base, { json: { path: 7 } }), 400, "path");
    await expectError(await admin("POST", base, { json: { path: "/a", maxAge: 59 } }), 400, "maxAge");
    await expectError(await admin("POST", base, { json: { path: "/a", maxAge: 31_536_001 } }), 400, "maxAge");
    await expectError(await admin("POST", base, { json: { path: "/a", scope: "api" } }), 400, "scope");
    await expectError(await admin("POST", `/users/nobody@example.com/share-links`, { json: { path: "/a" } }), 404);
  });

  it("refuses an inactive user", async () => {
    const user = await createUserViaApi({ active: false });
    await expectError(await admin("POST", `/users/${user.id}/share-links`, { json: { path: "/a" } }), 409, "user");
  });
});

describe("opening a share link", () => {
  it("moves the token into a share cookie and redirects to the same URL without it", async () => {
    const link = await shareLink("/reports/42");
    const res = await gate(`/reports/42?tab=2&sesame=${link.token}&x=1`, { headers: { Accept: "text/html" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/reports/42?tab=2&x=1");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    const [setCookie] = res.headers.getSetCookie();
    expect(setCookie).toMatch(new RegExp(`^sesame-share=${link.token}; Path=/; Max-Age=\\d+; HttpOnly; SameSite=Lax$`));
    const maxAge = Number(/Max-Age=(\d+)/.exec(setCookie!)![1]);
    expect(maxAge).toBeGreaterThan(7 * 86400 - 60);
    expect(maxAge).toBeLessThanOrEqual(7 * 86400);
  });

  it("reads the parameter however its name is escaped, and never passes it on", async () => {
    const link = await shareLink("/reports/42");
    const res = await gate(`/reports/42?tab=2&%73esame=${link.token}&x=1`, { headers: { Accept: "text/html" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/reports/42?tab=2&x=1");
    expect(res.headers.getSetCookie()[0]).toMatch(new RegExp(`^sesame-share=${link.token};`));
    // A request that cannot be redirected goes on to the origin, without the parameter.
    const { cookie } = await userWithSession();
    const echo = await echoOf(await gate("/reports/42?tab=2&%73%65same=x&x=1", { method: "POST", body: "x", headers: { Cookie: cookie } }));
    expect(echo.url).toBe("/reports/42?tab=2&x=1");
  });

  it("uses a Secure __Host- cookie when the edge is on https", async () => {
    const link = await shareLink("/reports/42");
    const res = await workerWith({ PUBLIC_URL: "https://gate.example.com", MAILER: "mailchannels", MAILCHANNELS_API_KEY: "unused" })(
      `/reports/42?sesame=${link.token}`,
    );
    expect(res.status).toBe(303);
    expect(res.headers.getSetCookie()[0]).toMatch(/^__Host-sesame-share=[\w-]+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
  });

  it("then lets the cookie in on the shared path, as the sharing user with amr share, and keeps the cookie from the origin", async () => {
    const link = await shareLink("/reports/42");
    const { cookie, location } = await open(link.url);
    const echo = await echoOf(await gate(location, { headers: { Accept: "text/html", Cookie: `${cookie}; theme=dark` } }));
    expect(echo.url).toBe("/reports/42");
    expect(echo.headers["sesame-user-id"]).toBe(link.user.id);
    expect(echo.headers.cookie).toBe("theme=dark");
  });

  it("never lets the cookie in on another path", async () => {
    const { cookie } = await open((await shareLink("/reports/42")).url);
    for (const path of ["/reports/43", "/reports/42/raw", "/reports", "/", "/reports/42/../43"]) {
      const res = await gate(path, { headers: { Accept: "text/html", Cookie: cookie } });
      expect(res.status, path).toBe(302);
      expect(res.headers.get("Location")).toMatch(/^\/\.sesame\/login\?next=/);
    }
    expect((await gate("/reports/43", { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it("lets a folder link in on the folder and below, at a segment boundary only", async () => {
    const { cookie } = await open((await shareLink("/reports/*")).url);
    for (const path of ["/reports", "/reports/", "/reports/42", "/reports/2024/q1.pdf"]) {
      expect((await gate(path, { headers: { Cookie: cookie } })).status, path).toBe(200);
    }
    for (const path of ["/reportsx", "/reports%2f..%2fadmin", "/reports/%2e%2e/admin", "/admin"]) {
      expect((await gate(path, { headers: { Cookie: cookie } })).status, path).toBe(401);
    }
  });

  it("is not a session: the share cookie is refused by /me and by forward-auth, and no session row exists", async () => {
    const link = await shareLink("/reports/42");
    const { cookie } = await open(link.url);
    expect((await gate("/.sesame/me", { headers: { Cookie: cookie, Accept: "application/json" } })).status).toBe(401);
    const session = await userWithSession();
    expect((await gate("/.sesame/me", { headers: { Cookie: session.cookie, Accept: "application/json" } })).status).toBe(200);
    expect((await gate("/.sesame/verify", { headers: { Cookie: cookie } })).status).toBe(401);
    const rows = await createDb(env.DB).select().from(sessions).where(eq(sessions.userId, link.user.id)).all();
    expect(rows).toEqual([]);
  });

  it("sends a browser to sign in, with the clean URL as next, when the token is not valid", async () => {
    const res = await gate("/reports/42?sesame=not-a-token&tab=1", { headers: { Accept: "text/html" } });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/.sesame/login?next=${encodeURIComponent("/reports/42?tab=1")}`);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("refuses a token opened on a path inside its folder written with look-alike characters", async () => {
    const link = await shareLink("/docs/*");
    for (const path of ["/docs/%EF%BC%8E%EF%BC%8E/private", "/docs%EF%BC%8Fprivate", "/docs/a%E2%80%8B"]) {
      const res = await gate(`${path}?sesame=${link.token}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.getSetCookie(), path).toEqual([]);
    }
  });

  it("refuses a token opened on a path outside its scope", async () => {
    const link = await shareLink("/reports/42");
    const res = await gate(`/reports/43?sesame=${link.token}`);
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it("drops the token from the URL for a user who is already signed in", async () => {
    const { cookie } = await userWithSession();
    const res = await gate("/docs?sesame=whatever", { headers: { Accept: "text/html", Cookie: cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/docs");
  });

  it("authenticates a WebSocket handshake (which cannot be redirected) directly, and never passes the token to the origin", async () => {
    const link = await shareLink("/__ws");
    const res = await gate(`/__ws?a=1&sesame=${link.token}`, { headers: { Upgrade: "websocket", Origin: EDGE } });
    expect(res.status).toBe(101);
    const socket = res.webSocket!;
    const first = new Promise<string>((resolve) => socket.addEventListener("message", (event) => resolve(String(event.data))));
    socket.accept();
    const { headers } = JSON.parse(await first) as { headers: Record<string, string> };
    socket.close(1000, "done");
    expect(headers["sesame-user-id"]).toBe(link.user.id);
    expect(JSON.stringify(headers)).not.toContain(link.token);
  });

  it("authorises GET and HEAD only: any other method with only a share credential is refused as unauthenticated", async () => {
    const link = await shareLink("/reports/*");
    const { cookie } = await open(link.url);
    expect((await gate("/reports/9", { method: "HEAD", headers: { Cookie: cookie } })).status).toBe(200);
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
      const body = method === "OPTIONS" || method === "DELETE" ? undefined : "x";
      // From the shared page itself (Origin), so it is the method that is refused.
      const headers = { Origin: EDGE, Accept: "text/html" };
      for (const [how, res] of [
        ["cookie", await gate("/reports/9", { method, body, headers: { ...headers, Cookie: cookie } })],
        ["query", await gate(`/reports/9?sesame=${link.token}`, { method, body, headers })],
      ] as const) {
        expect(res.status, `${method} with the share ${how}`).toBe(401);
        expect(await res.json()).toMatchObject({ error: "unauthenticated" });
      }
    }
  });

  it("refuses a WebSocket handshake on a share credential unless it comes from the app's own pages", async () => {
    const link = await shareLink("/__ws");
    const { cookie } = await open(`${EDGE}/__ws?sesame=${link.token}`);
    for (const [why, headers] of [
      ["a sibling subdomain's page", { Origin: "http://evil.localhost:8787" }],
      ["another site", { Origin: "https://evil.example" }],
      ["no Origin", {}],
    ] as const) {
      for (const [how, path, cookieHeader] of [
        ["cookie", "/__ws", { Cookie: cookie }],
        ["query", `/__ws?sesame=${link.token}`, {}],
      ] as const) {
        const res = await gate(path, { headers: { Upgrade: "websocket", ...headers, ...cookieHeader } });
        expect(res.status, `${why}, ${how}`).toBe(401);
      }
    }
    const ok = await gate("/__ws", { headers: { Upgrade: "websocket", Origin: EDGE, Cookie: cookie } });
    expect(ok.status).toBe(101);
    ok.webSocket!.accept();
    ok.webSocket!.close(1000, "done");
  });

  it("does not accept a service token as a share link, nor a share token as a bearer", async () => {
    const { token } = await userWithServiceToken();
    expect((await gate(`/reports/42?sesame=${token}`)).status).toBe(401);
    const link = await shareLink("/reports/42");
    expect((await gate("/reports/42", { headers: { Authorization: `Bearer ${link.token}` } })).status).toBe(401);
  });

  it("stops working once the token is revoked", async () => {
    const link = await shareLink("/reports/42");
    const { cookie } = await open(link.url);
    expect((await gate("/reports/42", { headers: { Cookie: cookie } })).status).toBe(200);
    await adminOk("POST", "/tokens/revoke", 200, { json: { token: link.token } });
    expect((await gate("/reports/42", { headers: { Cookie: cookie } })).status).toBe(401);
    expect((await gate(`/reports/42?sesame=${link.token}`)).status).toBe(401);
  });
});
