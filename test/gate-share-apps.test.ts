/**
 * Share links under APPS (docs/access.md, "Share links"): a link belongs to one app, its
 * scope names the app inside the token's MAC, its URL is on the app's host, and it opens
 * nothing on another app.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AppDefinition } from "../src/access/types";
import { createApp } from "../src/app";
import { getConfig } from "../src/config";
import { decodeBase64url, encodeBase64url } from "../src/tokens";
import { HEADER_BYTES, parseTokenBytes } from "../src/tokens/format";
import { createUserViaApi, expectError, type UserJson } from "./admin-client";
import { cookieFrom, echoOf } from "./gate-support";

const ORIGIN: string = env.ORIGIN_URL;
const EVERYONE = [{ name: "everyone", path: "/*", action: "allow" as const, include: [{ everyone: true as const }] }];

/** Two apps whose names have the same length, so a token's app can be edited in place. */
const APPS: AppDefinition[] = [
  { name: "wiki", hosts: ["*.wiki.example.com", "wiki.example.com"], origin: ORIGIN, policies: EVERYONE },
  { name: "wikx", hosts: ["wikx.example.org"], origin: ORIGIN, policies: EVERYONE },
  { name: "teams", hosts: ["*.teams.example.com"], origin: ORIGIN, policies: EVERYONE },
];

type AbsoluteFetcher = (url: string, init?: RequestInit) => Promise<Response>;

function edgeWith(overrides: Record<string, unknown>): AbsoluteFetcher {
  const modified = { ...env, ...overrides } as Env;
  const app = createApp(getConfig(modified));
  return async (url, init) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(url, { redirect: "manual", ...init }), modified, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}

const edge = edgeWith({ APPS: JSON.stringify(APPS) });
const ADMIN = "http://localhost:8787/.sesame/admin/api";

function adminCall(fetcher: AbsoluteFetcher, path: string, json: unknown): Promise<Response> {
  return fetcher(`${ADMIN}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(json),
  });
}

interface ShareLink {
  token: string;
  url: string;
  scope: string;
}

async function shareLink(body: Record<string, unknown>): Promise<ShareLink & { user: UserJson }> {
  const user = await createUserViaApi();
  const res = await adminCall(edge, `/users/${user.id}/share-links`, body);
  expect(res.status, await res.clone().text()).toBe(201);
  return { ...((await res.json()) as ShareLink), user };
}

/** The same token with its scope's app name replaced by another of the same length. */
function withAppEdited(token: string, from: string, to: string): string {
  const bytes = decodeBase64url(token)!;
  const scope = parseTokenBytes(bytes)!.scope;
  expect(scope.startsWith(`path:${from}:`)).toBe(true);
  // The scope starts right after the fixed header (src/tokens/format.ts).
  bytes.set(new TextEncoder().encode(to), HEADER_BYTES + "path:".length);
  expect(parseTokenBytes(bytes)!.scope.startsWith(`path:${to}:`)).toBe(true);
  return encodeBase64url(bytes);
}

describe("issuing a share link under APPS", () => {
  it("names the app in the scope and puts the URL on the app's exact host, with PUBLIC_URL's scheme and port", async () => {
    const link = await shareLink({ app: "wiki", path: "/reports/*" });
    expect(link.scope).toBe("path:wiki:/reports/*");
    expect(link.url).toBe(`http://wiki.example.com:8787/reports?sesame=${link.token}`);
  });

  it("requires the app, and refuses an unknown app or one with only wildcard hosts, naming the field", async () => {
    const user = await createUserViaApi();
    const base = `/users/${user.id}/share-links`;
    const missing = await expectError(await adminCall(edge, base, { path: "/a" }), 400, "app");
    expect(missing.message).toContain("app is required");
    const unknown = await expectError(await adminCall(edge, base, { app: "nope", path: "/a" }), 400, "app");
    expect(unknown.message).toBe('app "nope" is not an app of APPS');
    await expectError(await adminCall(edge, base, { app: "teams", path: "/a" }), 400, "app");
    await expectError(await adminCall(edge, base, { app: 7, path: "/a" }), 400, "app");
    await expectError(await adminCall(edge, base, { app: "wiki", path: "a" }), 400, "path");
  });

  it("keeps app and path within the token's scope field", async () => {
    const user = await createUserViaApi();
    const app = "a".repeat(64);
    const long = edgeWith({ APPS: JSON.stringify([{ ...APPS[1], name: app }]) });
    const path = `/${"p".repeat(184)}`;
    const ok = await adminCall(long, `/users/${user.id}/share-links`, { app, path });
    expect(ok.status).toBe(201);
    await expectError(await adminCall(long, `/users/${user.id}/share-links`, { app, path: `${path}p` }), 400, "path");
  });

  it("mints app scopes through the tokens route too, and refuses an app-less or unknown one there", async () => {
    const user = await createUserViaApi();
    const res = await adminCall(edge, `/users/${user.id}/tokens`, { scope: "path:wikx:/r/1" });
    expect(res.status).toBe(201);
    expect(((await res.json()) as ShareLink).url).toMatch(/^http:\/\/wikx\.example\.org:8787\/r\/1\?sesame=/);
    for (const scope of ["path:/r/1", "path:nope:/r/1", "path:wiki:r", "path::/r"]) {
      await expectError(await adminCall(edge, `/users/${user.id}/tokens`, { scope }), 400, "scope");
    }
  });

  it("refuses an app without APPS, where links keep their app-less scope", async () => {
    const plain = edgeWith({});
    const user = await createUserViaApi();
    const named = await expectError(await adminCall(plain, `/users/${user.id}/share-links`, { app: "wiki", path: "/a" }), 400, "app");
    expect(named.message).toContain("no APPS");
    await expectError(await adminCall(plain, `/users/${user.id}/tokens`, { scope: "path:wiki:/a" }), 400, "scope");
  });
});

describe("opening a share link under APPS", () => {
  it("opens the shared path on its app's host, as the sharing user", async () => {
    const link = await shareLink({ app: "wiki", path: "/reports/42" });
    const opened = await edge(link.url, { headers: { Accept: "text/html" } });
    expect(opened.status).toBe(303);
    const cookie = cookieFrom(opened.headers.getSetCookie()[0]!);
    const echo = await echoOf(await edge("http://wiki.example.com:8787/reports/42", { headers: { Cookie: cookie } }));
    expect(echo.headers["sesame-user-id"]).toBe(link.user.id);
    // Any host of the app, wildcards included.
    expect((await edge(`http://team.wiki.example.com/reports/42?sesame=${link.token}`)).status).toBe(303);
  });

  it("opens nothing on another app: not by query, not by cookie, not with the app name edited", async () => {
    const link = await shareLink({ app: "wiki", path: "/reports/42" });
    const other = "http://wikx.example.org/reports/42";
    const byQuery = await edge(`${other}?sesame=${link.token}`);
    expect(byQuery.status).toBe(401);
    expect(byQuery.headers.getSetCookie()).toEqual([]);
    const opened = await edge(link.url);
    const cookie = cookieFrom(opened.headers.getSetCookie()[0]!);
    expect((await edge(other, { headers: { Cookie: cookie } })).status).toBe(401);
    const edited = withAppEdited(link.token, "wiki", "wikx");
    expect(edited).not.toBe(link.token);
    expect((await edge(`${other}?sesame=${edited}`)).status).toBe(401);
    expect((await edge(`${other}?sesame=${edited}`, { headers: { Accept: "text/html" } })).status).toBe(302);
    // The genuine token still works where it belongs.
    expect((await edge(link.url)).status).toBe(303);
  });

  it("opens nothing with a link minted before APPS (an app-less scope)", async () => {
    const user = await createUserViaApi();
    const before = await adminCall(edgeWith({}), `/users/${user.id}/share-links`, { path: "/reports/42" });
    const { token } = (await before.json()) as ShareLink;
    expect((await edgeWith({})(`http://localhost:8787/reports/42?sesame=${token}`)).status).toBe(303);
    expect((await edge(`http://wiki.example.com/reports/42?sesame=${token}`)).status).toBe(401);
  });
});
