/** GET /.sesame/oidc/authorize (docs/oidc.md, "Authorize"): who gets a code, who gets an error, and where. */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getConfig } from "../../src/config";
import { continueSeconds, readContinue } from "../../src/login/continue";
import { adminOk, createUserViaApi } from "../admin-client";
import { cookieFrom, userWithSession } from "../gate-support";
import { authorizePath, codeFor, ISSUER, oidcWorker, pkcePair, REDIRECT_URI, registerClient } from "./support";

afterEach(() => vi.useRealTimers());

const html = (cookie?: string) => ({ headers: { Accept: "text/html", ...(cookie ? { Cookie: cookie } : {}) } });

/** The redirect's parameters, failing unless it goes to the client's redirect URI. */
function redirectParams(res: Response): URLSearchParams {
  expect(res.status).toBe(302);
  const location = res.headers.get("Location")!;
  expect(location.startsWith(`${REDIRECT_URI}?`)).toBe(true);
  return new URL(location).searchParams;
}

describe("requests that never redirect to the client", () => {
  it("shows an error page for an unknown client", async () => {
    const edge = await oidcWorker();
    const res = await edge(authorizePath("no-such-client"), html());
    expect(res.status).toBe(400);
    expect(res.headers.get("Location")).toBeNull();
    expect(await res.text()).toContain("not registered");
  });

  it("shows an error page for a redirect_uri not registered exactly, and never redirects there", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    for (const redirect of [
      `${REDIRECT_URI}/`,
      `${REDIRECT_URI}?x=1`,
      "https://evil.example/callback",
      REDIRECT_URI.toUpperCase(),
      undefined,
    ]) {
      const res = await edge(authorizePath(clientId, { redirect_uri: redirect }), html());
      expect(res.status, String(redirect)).toBe(400);
      expect(res.headers.get("Location")).toBeNull();
      expect(res.headers.get("Cache-Control")).toBe("no-store");
    }
  });

  it("shows an error page for a repeated parameter", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    const res = await edge(`${authorizePath(clientId)}&redirect_uri=${encodeURIComponent("https://evil.example/")}`, html());
    expect(res.status).toBe(400);
    expect(res.headers.get("Location")).toBeNull();
  });
});

describe("errors sent back to the client, with state and iss", () => {
  it.each([
    ["response_type token (implicit)", { response_type: "token" }, "unsupported_response_type"],
    ["response_type code id_token (hybrid)", { response_type: "code id_token" }, "unsupported_response_type"],
    ["no openid scope", { scope: "email" }, "invalid_scope"],
    ["PKCE plain", { code_challenge: "a".repeat(43), code_challenge_method: "plain" }, "invalid_request"],
    ["a challenge that is not S256's shape", { code_challenge: "short", code_challenge_method: "S256" }, "invalid_request"],
    ["a request object", { request: "eyJ.x.y" }, "request_not_supported"],
    ["response_mode fragment", { response_mode: "fragment" }, "invalid_request"],
  ])("refuses %s", async (_label, params, error) => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    const query = redirectParams(await edge(authorizePath(clientId, params), html()));
    expect(query.get("error")).toBe(error);
    expect(query.get("state")).toBe("state-1");
    expect(query.get("iss")).toBe(ISSUER);
    expect(query.get("code")).toBeNull();
  });

  it("requires PKCE from a public client, and accepts its absence from a confidential one", async () => {
    const edge = await oidcWorker();
    const { cookie } = await userWithSession();
    const publicClient = await registerClient(edge, { type: "public" });
    const refused = redirectParams(await edge(authorizePath(publicClient.clientId), html(cookie)));
    expect(refused.get("error")).toBe("invalid_request");
    expect(refused.get("error_description")).toContain("code_challenge");
    const { challenge } = await pkcePair();
    await codeFor(edge, cookie, authorizePath(publicClient.clientId, { code_challenge: challenge, code_challenge_method: "S256" }));
    const confidential = await registerClient(edge);
    await codeFor(edge, cookie, authorizePath(confidential.clientId));
  });

  it("answers prompt=none without a session with login_required", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    expect(redirectParams(await edge(authorizePath(clientId, { prompt: "none" }), html())).get("error")).toBe("login_required");
  });
});

describe("a browser without a session", () => {
  it("goes to sign in, with a continue value that leads back to this very request", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    const path = authorizePath(clientId);
    const res = await edge(path, html());
    expect(res.status).toBe(302);
    const login = new URL(res.headers.get("Location")!, ISSUER);
    expect(login.pathname).toBe("/.sesame/login");
    const next = login.searchParams.get("next")!;
    expect(next).toMatch(/^\/\.sesame\/continue\//);
    expect(await readContinue(getConfig(edge.env), next.slice("/.sesame/continue/".length))).toBe(path);
  });
});

describe("a signed-in browser", () => {
  it("gets a single code for the registered redirect URI, with state and iss", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    const { cookie } = await userWithSession();
    const query = redirectParams(await edge(authorizePath(clientId), html(cookie)));
    expect(query.get("code")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(query.get("state")).toBe("state-1");
    expect(query.get("iss")).toBe(ISSUER);
  });

  it("signs in again for prompt=login, and gets a code once the new session exists", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    const { cookie } = await userWithSession();
    const res = await edge(authorizePath(clientId, { prompt: "login" }), html(cookie));
    expect(new URL(res.headers.get("Location")!, ISSUER).pathname).toBe("/.sesame/login");
    const next = new URL(res.headers.get("Location")!, ISSUER).searchParams.get("next")!;
    const back = (await readContinue(getConfig(edge.env), next.slice("/.sesame/continue/".length)))!;
    // prompt=login stays; a moment signed by the edge says which sessions satisfy it.
    expect(new URL(back, ISSUER).searchParams.get("prompt")).toBe("login");
    expect(new URL(back, ISSUER).searchParams.get("sesame_fresh")).toMatch(/^\d+\.[A-Za-z0-9_-]{43}$/);
    // The old session does not satisfy the way back; a session started after the request does.
    expect((await edge(back, html(cookie))).headers.get("Location")).toMatch(/^\/\.sesame\/login/);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fresh = await userWithSession();
    const backAsFresh = back.replace(/client_id=[^&]+/, `client_id=${clientId}`);
    await codeFor(edge, fresh.cookie, backAsFresh);
  });

  it("ignores a sesame_fresh it did not sign: prompt=login still asks for a new sign-in", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    const { cookie } = await userWithSession();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const now = Date.now();
    for (const fresh of ["0", "1", String(now - 1000), String(now + 3600_000), `${now - 1000}.${"A".repeat(43)}`]) {
      const res = await edge(authorizePath(clientId, { prompt: "login", sesame_fresh: fresh }), html(cookie));
      expect([fresh, res.status, new URL(res.headers.get("Location")!, ISSUER).pathname]).toEqual([fresh, 302, "/.sesame/login"]);
    }
  });

  it("honours its own sesame_fresh only for the request it was signed for, and only while a sign-in may take", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    const { cookie } = await userWithSession();
    const asked = await edge(authorizePath(clientId, { prompt: "login" }), html(cookie));
    const next = new URL(asked.headers.get("Location")!, ISSUER).searchParams.get("next")!;
    const back = new URL((await readContinue(getConfig(edge.env), next.slice("/.sesame/continue/".length)))!, ISSUER);
    const signed = back.searchParams.get("sesame_fresh")!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fresh = await userWithSession();
    const toLogin = async (path: string) => new URL((await edge(path, html(fresh.cookie))).headers.get("Location")!, ISSUER).pathname;

    // Moved onto another request (another state), or with its moment changed: not ours, so a new sign-in.
    expect(await toLogin(authorizePath(clientId, { prompt: "login", state: "other", sesame_fresh: signed }))).toBe("/.sesame/login");
    const [moment, mac] = signed.split(".");
    const earlier = new URL(back);
    earlier.searchParams.set("sesame_fresh", `${Number(moment) - 60_000}.${mac}`);
    expect(await toLogin(`${earlier.pathname}${earlier.search}`)).toBe("/.sesame/login");
    // Past the time a sign-in may take (a continue value's lifetime), even the genuine one is spent.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Number(moment) + (continueSeconds(getConfig(edge.env)) + 1) * 1000);
    const later = await userWithSession();
    const spent = await edge(`${back.pathname}${back.search}`, html(later.cookie));
    vi.useRealTimers();
    expect(new URL(spent.headers.get("Location")!, ISSUER).pathname).toBe("/.sesame/login");
    // The genuine one, for a session started after it: a code.
    await codeFor(edge, fresh.cookie, `${back.pathname}${back.search}`);
  });

  it("answers invalid_request, not a server error, when prompt=login's way back would outgrow the request limit", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    // Browsers send "(" raw; the way back percent-encodes it to three characters.
    const res = await edge(`${authorizePath(clientId, { prompt: "login", state: undefined })}&state=${"(".repeat(500)}`, html());
    const query = redirectParams(res);
    expect(query.get("error")).toBe("invalid_request");
    expect(query.get("code")).toBeNull();
  });

  it("signs in again when the session is older than max_age", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    const { cookie } = await userWithSession();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const res = await edge(authorizePath(clientId, { max_age: "0" }), html(cookie));
    expect(new URL(res.headers.get("Location")!, ISSUER).pathname).toBe("/.sesame/login");
    await codeFor(edge, cookie, authorizePath(clientId, { max_age: "3600" }));
  });
  it("gives a code after the sign-in max_age=0 forced, instead of asking again forever", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    const { cookie } = await userWithSession();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const asked = await edge(authorizePath(clientId, { max_age: "0" }), html(cookie));
    const next = new URL(asked.headers.get("Location")!, ISSUER).searchParams.get("next")!;
    const back = new URL((await readContinue(getConfig(edge.env), next.slice("/.sesame/continue/".length)))!, ISSUER);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fresh = await userWithSession();
    // The way back takes a moment: the new session is already older than zero seconds.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await codeFor(edge, fresh.cookie, `${back.pathname}${back.search}`);
    // Without the forced sign-in's mark, max_age=0 still asks.
    const again = await edge(authorizePath(clientId, { max_age: "0" }), html(fresh.cookie));
    expect(new URL(again.headers.get("Location")!, ISSUER).pathname).toBe("/.sesame/login");
  });
});

describe("who may sign in: the client's app's policies for GET /", () => {
  const apps = (policies: unknown[]) => JSON.stringify([{ name: "wiki", hosts: ["wiki.localhost"], origin: env.ORIGIN_URL, policies }]);
  const staffOnly = apps([{ name: "staff", path: "/*", action: "allow", include: [{ emailDomain: "staff.example" }] }]);

  it("gives an allowed user a code, and a refused user a 403 page from the edge and the client nothing", async () => {
    const edge = await oidcWorker({ APPS: staffOnly });
    const { clientId } = await registerClient(edge, { app: "wiki" });
    const staff = await userWithSession();
    const staffUser = await createUserViaApi({ email: `ann-${Date.now()}@staff.example` });
    const { createSession } = await import("../support/sessions");
    const { deps } = await import("../gate-support");
    const { setCookie } = await createSession(deps(), {
      user: { id: staffUser.id, email: staffUser.email },
      amr: "link",
      request: new Request(ISSUER),
    });
    await codeFor(edge, cookieFrom(setCookie), authorizePath(clientId));

    const refused = await edge(authorizePath(clientId), html(staff.cookie));
    expect(refused.status).toBe(403);
    expect(refused.headers.get("Location")).toBeNull();
    expect(await refused.text()).toContain(staff.user.email);
    const { events } = await adminOk<{ events: { event: string; detail: Record<string, unknown> | null }[] }>(
      "GET",
      `/users/${staff.user.id}/events`,
      200,
    );
    expect(events.find((e) => e.event === "access_denied")?.detail).toMatchObject({ client: clientId, app: "wiki" });
  });

  it("admits no one for a client naming an app that does not exist", async () => {
    const edge = await oidcWorker({ APPS: apps([{ name: "all", path: "/*", action: "allow", include: [{ everyone: true }] }]) });
    const { clientId } = await registerClient(edge, { app: "gone" });
    const { cookie } = await userWithSession();
    expect((await edge(authorizePath(clientId), html(cookie))).status).toBe(403);
  });

  it("treats bypass as allow and service as deny", async () => {
    const { cookie } = await userWithSession();
    const bypass = await oidcWorker({ APPS: apps([{ name: "open", path: "/*", action: "bypass", include: [{ everyone: true }] }]) });
    await codeFor(bypass, cookie, authorizePath((await registerClient(bypass, { app: "wiki" })).clientId));
    const service = await oidcWorker({ APPS: apps([{ name: "machines", path: "/*", action: "service", include: [{ everyone: true }] }]) });
    expect((await service(authorizePath((await registerClient(service, { app: "wiki" })).clientId), html(cookie))).status).toBe(403);
  });

  it("lets every active user in for a client without an app", async () => {
    const edge = await oidcWorker({ APPS: staffOnly });
    const { clientId } = await registerClient(edge);
    const { cookie } = await userWithSession();
    await codeFor(edge, cookie, authorizePath(clientId));
  });
});

describe("the provider's routes", () => {
  it("exist only on the auth host, and not at all while the provider is off", async () => {
    const { gate } = await import("../gate-support");
    expect((await gate("/.sesame/oidc/authorize?client_id=x", html())).status).toBe(404);
  });
});
