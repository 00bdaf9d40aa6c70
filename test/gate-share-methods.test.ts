/**
 * Share links issued with `methods` (docs/gate.md, "Share links"): besides GET and HEAD, the
 * share cookie may send the methods listed in the token's signed scope, and only from the
 * app's own pages (Origin, or Sec-Fetch-Site: same-origin), never with `?sesame=`.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AppDefinition } from "../src/access/types";
import { createApp } from "../src/app";
import { getConfig } from "../src/config";
import { decodeBase64url, encodeBase64url } from "../src/tokens";
import { HEADER_BYTES, parseTokenBytes } from "../src/tokens/format";
import { admin, adminOk, createUserViaApi, expectError, type UserJson } from "./admin-client";
import { cookieFrom, EDGE, echoOf, gate, userWithSession, workerWith } from "./gate-support";

interface ShareLink {
  token: string;
  url: string;
  scope: string;
  methods: string[];
}

async function shareLink(body: Record<string, unknown>): Promise<ShareLink & { user: UserJson }> {
  const user = await createUserViaApi();
  return { ...(await adminOk<ShareLink>("POST", `/users/${user.id}/share-links`, 201, { json: body })), user };
}

/** Opens a share link as a browser would, and returns the share cookie. */
async function open(fetcher: (url: string, init?: RequestInit) => Promise<Response>, link: string): Promise<string> {
  const res = await fetcher(link, { headers: { Accept: "text/html" } });
  expect(res.status).toBe(303);
  return cookieFrom(res.headers.getSetCookie()[0]!);
}

const onEdge = (url: string, init?: RequestInit) => gate(url.replace(EDGE, ""), init);

describe("issuing a share link with methods", () => {
  it("lists the other methods in the signed scope and answers with every method the link allows", async () => {
    const link = await shareLink({ path: "/forms/*", methods: ["DELETE", "POST", "GET", "POST"] });
    expect(link.scope).toBe("path:/forms/* POST,DELETE");
    expect(link.methods).toEqual(["GET", "HEAD", "POST", "DELETE"]);
    expect(parseTokenBytes(decodeBase64url(link.token)!)!.scope).toBe(link.scope);
    const plain = await shareLink({ path: "/forms/1" });
    expect(plain).toMatchObject({ scope: "path:/forms/1", methods: ["GET", "HEAD"] });
    expect(await shareLink({ path: "/forms/2", methods: [] })).toMatchObject({ scope: "path:/forms/2", methods: ["GET", "HEAD"] });
  });

  it("refuses anything but a short list of GET, HEAD, POST, PUT, PATCH or DELETE, naming methods", async () => {
    const user = await createUserViaApi();
    const base = `/users/${user.id}/share-links`;
    for (const methods of [
      "POST",
      ["post"],
      ["OPTIONS"],
      ["TRACE"],
      ["CONNECT"],
      ["POST "],
      [7],
      [null],
      ["POST", "PUT", "PATCH", "DELETE", "GET", "HEAD", "POST"],
    ]) {
      await expectError(await admin("POST", base, { json: { path: "/a", methods } }), 400, "methods");
    }
  });

  it("accepts a method list in a raw share scope only as the edge writes it", async () => {
    const user = await createUserViaApi();
    const base = `/users/${user.id}/tokens`;
    const issued = await adminOk<{ scope: string }>("POST", base, 201, { json: { scope: "path:/raw PUT,DELETE" } });
    expect(issued.scope).toBe("path:/raw PUT,DELETE");
    for (const scope of ["path:/raw DELETE,PUT", "path:/raw post", "path:/raw GET", "path:/raw POST,", "path:/raw  POST"]) {
      await expectError(await admin("POST", base, { json: { scope } }), 400, "scope");
    }
  });
});

describe("a share link issued for POST", () => {
  it("lets the share cookie POST from the shared page, with the identity, and nothing else", async () => {
    const link = await shareLink({ path: "/forms/*", methods: ["POST"] });
    const cookie = await open(onEdge, link.url);
    const sameOrigin = { Cookie: cookie, Origin: EDGE, "Content-Type": "application/x-www-form-urlencoded" };

    const posted = await echoOf(await gate("/forms/7", { method: "POST", body: "a=1", headers: sameOrigin }));
    expect(posted.method).toBe("POST");
    expect(posted.bodyBytes).toBe(3);
    expect(posted.headers["sesame-user-id"]).toBe(link.user.id);
    // Browsers that send `Origin: null` under no-referrer still say same-origin in Sec-Fetch-Site.
    const fetchSite = { Cookie: cookie, Origin: "null", "Sec-Fetch-Site": "same-origin" };
    expect((await echoOf(await gate("/forms/7", { method: "POST", body: "a=1", headers: fetchSite }))).headers["sesame-user-id"]).toBe(
      link.user.id,
    );
    expect((await gate("/forms/7", { headers: { Cookie: cookie } })).status).toBe(200);

    const refused: Array<[string, string, RequestInit]> = [
      ["another site", "/forms/7", { method: "POST", body: "a=1", headers: { Cookie: cookie, Origin: "https://evil.example" } }],
      ["a sibling port", "/forms/7", { method: "POST", body: "a=1", headers: { Cookie: cookie, Origin: "http://localhost:8788" } }],
      ["no Origin nor Sec-Fetch-Site", "/forms/7", { method: "POST", body: "a=1", headers: { Cookie: cookie } }],
      [
        "Origin: null from another site",
        "/forms/7",
        { method: "POST", body: "a=1", headers: { Cookie: cookie, Origin: "null", "Sec-Fetch-Site": "cross-site" } },
      ],
      ["a method the link lacks", "/forms/7", { method: "PUT", body: "a=1", headers: sameOrigin }],
      ["DELETE it lacks", "/forms/7", { method: "DELETE", headers: sameOrigin }],
      ["a path outside the scope", "/other", { method: "POST", body: "a=1", headers: sameOrigin }],
      ["the token in the query", `/forms/7?sesame=${link.token}`, { method: "POST", body: "a=1", headers: { Origin: EDGE } }],
    ];
    for (const [why, path, init] of refused) {
      const res = await gate(path, init);
      expect(res.status, why).toBe(401);
      expect(await res.json(), why).toMatchObject({ error: "unauthenticated" });
    }
  });

  it("checks the method when the POST is the first request to verify the link, as when it is remembered", async () => {
    const link = await shareLink({ path: "/forms/*", methods: ["POST"] });
    const cookie = `sesame-share=${link.token}`;
    // Each worker built here has an empty memory of verified tokens: its first check is the full one.
    const post = (method: string) =>
      workerWith({})("/forms/7", { method, body: "a=1", headers: { Cookie: cookie, Origin: EDGE, "Content-Type": "text/plain" } });
    expect((await echoOf(await post("POST"))).headers["sesame-user-id"]).toBe(link.user.id);
    expect((await post("PUT")).status).toBe(401);
  });

  it("never passes a method override to the origin on a share link's request", async () => {
    const link = await shareLink({ path: "/forms/*", methods: ["POST"] });
    const cookie = await open(onEdge, link.url);
    const overrides = { "X-HTTP-Method-Override": "DELETE", "X-HTTP-Method": "DELETE", "X-Method-Override": "DELETE" };
    const echo = await echoOf(
      await gate("/forms/7", { method: "POST", body: "a=1", headers: { ...overrides, Cookie: cookie, Origin: EDGE } }),
    );
    expect(echo.headers["sesame-user-id"]).toBe(link.user.id);
    for (const name of Object.keys(overrides)) expect(echo.headers[name.toLowerCase()], name).toBeUndefined();
    // A signed-in user's request keeps them: the origin decides what its own users may do.
    const { cookie: session } = await userWithSession();
    const own = await echoOf(
      await gate("/forms/7", { method: "POST", body: "a=1", headers: { ...overrides, Cookie: session, Origin: EDGE } }),
    );
    for (const name of Object.keys(overrides)) expect(own.headers[name.toLowerCase()], name).toBe("DELETE");
  });

  it("refuses a share link's POST that asks for another method with ?_method=, naming it; a signed-in user's passes", async () => {
    const link = await shareLink({ path: "/forms/*", methods: ["POST"] });
    const cookie = await open(onEdge, link.url);
    for (const query of ["?_method=DELETE", "?a=1&_METHOD=put", "?%5Fmethod=DELETE"]) {
      const res = await gate(`/forms/7${query}`, {
        method: "POST",
        body: "a=1",
        headers: { Cookie: cookie, Origin: EDGE, Accept: "application/json" },
      });
      expect(res.status, query).toBe(400);
      expect(await res.json(), query).toMatchObject({ field: "_method" });
    }
    // A GET's query is its own: frameworks read _method on POST only.
    expect((await gate("/forms/7?_method=DELETE", { headers: { Cookie: cookie } })).status).toBe(200);
    const { cookie: session } = await userWithSession();
    const own = await gate("/forms/7?_method=DELETE", { method: "POST", body: "a=1", headers: { Cookie: session, Origin: EDGE } });
    expect((await echoOf(own)).url).toContain("_method=DELETE");
  });

  it("still refuses POST with the cookie of a link issued without methods, from the shared page", async () => {
    const link = await shareLink({ path: "/forms/*" });
    const cookie = await open(onEdge, link.url);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const res = await gate("/forms/7", {
        method,
        body: method === "DELETE" ? undefined : "x",
        headers: { Cookie: cookie, Origin: EDGE },
      });
      expect(res.status, method).toBe(401);
    }
  });

  it("cannot be made to allow a method by editing the token's scope", async () => {
    // "/a_POST" and "/a POST" have the same length: the second is the scope of a POST link to /a.
    const link = await shareLink({ path: "/a_POST" });
    const bytes = decodeBase64url(link.token)!;
    bytes.set(new TextEncoder().encode(" "), HEADER_BYTES + "path:/a".length);
    expect(parseTokenBytes(bytes)!.scope).toBe("path:/a POST");
    const forged = encodeBase64url(bytes);
    const res = await gate("/a", { method: "POST", body: "x", headers: { Cookie: `sesame-share=${forged}`, Origin: EDGE } });
    expect(res.status).toBe(401);
    expect((await gate(`/a?sesame=${forged}`, { headers: { Accept: "text/html" } })).headers.getSetCookie()).toEqual([]);
  });
});

describe("a share link issued for POST, under APPS", () => {
  const ORIGIN: string = env.ORIGIN_URL;
  const EVERYONE = [{ name: "everyone", path: "/*", action: "allow" as const, include: [{ everyone: true as const }] }];
  /** A long app name, so the methods decide whether the longest path still fits the scope. */
  const LONG_NAME = `wiki-${"x".repeat(35)}`;
  const APPS: AppDefinition[] = [
    { name: "wiki", hosts: ["wiki.example.com"], origin: ORIGIN, policies: EVERYONE },
    { name: LONG_NAME, hosts: ["long.example.com"], origin: ORIGIN, policies: EVERYONE },
  ];
  const modified = { ...env, APPS: JSON.stringify(APPS) } as Env;
  const app = createApp(getConfig(modified));
  const edge = async (url: string, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(url, { redirect: "manual", ...init }), modified, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };

  const issue = async (user: UserJson, body: Record<string, unknown>) =>
    edge(`${EDGE}/.sesame/admin/api/users/${user.id}/share-links`, {
      method: "POST",
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });

  it("keeps app, path and methods within the token's 255-byte scope, naming path when they do not fit", async () => {
    const user = await createUserViaApi();
    const path = `/${"p".repeat(189)}`;
    // "path:" + 40 + ":" + 190 = 236 bytes fit; " POST,PUT,PATCH,DELETE" adds 22.
    expect((await issue(user, { app: LONG_NAME, path })).status).toBe(201);
    await expectError(await issue(user, { app: LONG_NAME, path, methods: ["POST", "PUT", "PATCH", "DELETE"] }), 400, "path");
    const fits = await issue(user, { app: LONG_NAME, path: path.slice(0, 187), methods: ["POST", "PUT", "PATCH", "DELETE"] });
    expect(fits.status).toBe(201);
    expect(((await fits.json()) as ShareLink).scope).toHaveLength(255);
  });

  it("counts the app's own host as the shared page's origin, and the auth host as another site", async () => {
    const user = await createUserViaApi();
    const issued = await issue(user, { app: "wiki", path: "/forms/*", methods: ["PATCH"] });
    const link = (await issued.json()) as ShareLink;
    expect(link.scope).toBe("path:wiki:/forms/* PATCH");
    const cookie = await open(edge, link.url);
    const appOrigin = "http://wiki.example.com:8787";
    const patch = (origin: string) =>
      edge(`${appOrigin}/forms/3`, { method: "PATCH", body: "x", headers: { Cookie: cookie, Origin: origin } });
    expect((await echoOf(await patch(appOrigin))).headers["sesame-user-id"]).toBe(user.id);
    expect((await patch(EDGE)).status).toBe(401);
    expect((await patch("http://wiki.example.com")).status).toBe(401);
  });
});
