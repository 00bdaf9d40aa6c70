/** RP-initiated logout (docs/oidc.md, "Signing out"): at once with a valid id_token_hint, after asking without one, and only ever back to a registered URI. */
import { decodeJwt, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { User } from "../../src/db/schema";
import { cookieFrom, deps, EDGE, type Fetcher, userWithSession } from "../gate-support";
import { createSession } from "../support/sessions";
import {
  authorizePath,
  codeFor,
  ISSUER,
  newRsaKey,
  oidcSigningKeys,
  oidcWorker,
  REDIRECT_URI,
  type RegisteredClient,
  registerClient,
  tokenRequest,
} from "./support";

afterEach(() => vi.useRealTimers());

const SIGNED_OUT = "https://rp.example/signed-out";

/** The ID token `client` gets for the browser holding `cookie`. */
async function idTokenFor(edge: Fetcher, client: RegisteredClient, cookie: string): Promise<string> {
  const code = await codeFor(edge, cookie, authorizePath(client.clientId, { scope: "openid" }));
  const basic = { id: client.clientId, secret: client.clientSecret! };
  const res = await tokenRequest(edge, { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI }, basic);
  return ((await res.json()) as { id_token: string }).id_token;
}

/** A signed-in user, a client with a registered post-logout URI, and the ID token it got. */
async function signedIn() {
  const edge = await oidcWorker();
  const client = await registerClient(edge, { postLogoutRedirectUris: [SIGNED_OUT] });
  const session = await userWithSession();
  const idToken = await idTokenFor(edge, client, session.cookie);
  const alive = async (cookie = session.cookie) => (await edge("/.sesame/me", { headers: { Cookie: cookie } })).status === 200;
  return { edge, client, session, idToken, alive };
}

/** Another session of `user`, as when the person signs in again (the old one ended or in another browser). */
async function anotherSessionOf(user: User): Promise<string> {
  return cookieFrom((await createSession(deps(), { user, amr: "link", request: new Request(EDGE) })).setCookie);
}

const logoutPath = (params: Record<string, string>) => `/.sesame/oidc/logout?${new URLSearchParams(params)}`;

describe("with a valid id_token_hint for the signed-in user", () => {
  it("ends the session and returns to the registered URI with state", async () => {
    const { edge, session, idToken, alive } = await signedIn();
    expect(await alive()).toBe(true);
    const res = await edge(logoutPath({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: "s-1" }), {
      headers: { Cookie: session.cookie, Accept: "text/html" },
    });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`${SIGNED_OUT}?state=s-1`);
    expect(res.headers.get("Set-Cookie")).toMatch(/Max-Age=0/);
    expect(await alive()).toBe(false);
  });

  it("accepts a hint that has expired, and a cross-site form POST from the relying party", async () => {
    const { edge, session, idToken, alive } = await signedIn();
    // An hour on: the ID token (10 minutes) has expired.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 3600_000);
    const res = await edge("/.sesame/oidc/logout", {
      method: "POST",
      headers: {
        Cookie: session.cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: "https://rp.example",
        "Sec-Fetch-Site": "cross-site",
      },
      body: new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT }),
    });
    vi.useRealTimers();
    expect(res.status).toBe(303);
    expect(await alive()).toBe(false);
  });
});

describe("a relying party's cross-site form POST", () => {
  it("comes without the session cookie (SameSite=Lax), so it goes on as a GET, which carries the cookie and signs out", async () => {
    const { edge, session, idToken, alive } = await signedIn();
    const form = { id_token_hint: idToken, post_logout_redirect_uri: SIGNED_OUT, state: "s-3" };
    const posted = await edge("/.sesame/oidc/logout", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://rp.example", "Sec-Fetch-Site": "cross-site" },
      body: new URLSearchParams(form),
    });
    // Not "signed out" back to the app while the session lives on.
    expect(posted.status).toBe(303);
    const location = new URL(posted.headers.get("Location")!, ISSUER);
    expect(location.origin).toBe(ISSUER);
    expect(location.pathname).toBe("/.sesame/oidc/logout");
    for (const [name, value] of Object.entries(form)) expect(location.searchParams.get(name)).toBe(value);
    expect(await alive()).toBe(true);

    const res = await edge(`${location.pathname}${location.search}`, { headers: { Cookie: session.cookie, Accept: "text/html" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`${SIGNED_OUT}?state=s-3`);
    expect(await alive()).toBe(false);
  });

  it("with an unregistered post_logout_redirect_uri gets the error page, not a redirect", async () => {
    const { edge, idToken } = await signedIn();
    const res = await edge("/.sesame/oidc/logout", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://rp.example", Accept: "text/html" },
      body: new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: "https://evil.example/" }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("Location")).toBeNull();
  });
});

describe("a hint is bound to the session it was issued under (its sid)", () => {
  it("carries a sid that names the edge session without revealing its id", async () => {
    const { session, idToken } = await signedIn();
    const { sid } = decodeJwt(idToken);
    expect(sid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sid).not.toContain(session.sessionId);
    expect(sid).not.toContain(session.sessionId.replaceAll("-", ""));
  });

  it("asks for an old session's ID token, and signs out at once with the current session's", async () => {
    const { edge, client, session, idToken: oldToken, alive } = await signedIn();
    const now = await anotherSessionOf(session.user);
    const params = { client_id: client.clientId, post_logout_redirect_uri: SIGNED_OUT };
    const ask = await edge(logoutPath({ id_token_hint: oldToken, ...params }), { headers: { Cookie: now, Accept: "text/html" } });
    expect(ask.status).toBe(200);
    expect(await ask.text()).toContain("Sign out of");
    expect(await alive(now)).toBe(true);

    const current = await idTokenFor(edge, client, now);
    const res = await edge(logoutPath({ id_token_hint: current, ...params }), { headers: { Cookie: now, Accept: "text/html" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(SIGNED_OUT);
    expect(await alive(now)).toBe(false);
  });

  it("asks for a genuine ID token of the signed-in user that has no sid", async () => {
    const { edge, client, session, alive } = await signedIn();
    const rsa = (await oidcSigningKeys()).find((key) => key.alg === "RS256")!;
    const withoutSid = await new SignJWT({ auth_time: Math.floor(Date.now() / 1000), amr: ["link"] })
      .setProtectedHeader({ alg: "RS256", kid: rsa.kid, typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(client.clientId)
      .setSubject(session.user.id)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(await crypto.subtle.importKey("jwk", rsa, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["sign"]));
    const params = { id_token_hint: withoutSid, post_logout_redirect_uri: SIGNED_OUT };
    const res = await edge(logoutPath(params), { headers: { Cookie: session.cookie, Accept: "text/html" } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Sign out of");
    expect(await alive()).toBe(true);
  });
});

describe("without a valid id_token_hint", () => {
  it("asks first; the confirmation's same-origin POST ends the session and returns to the registered URI", async () => {
    const { edge, client, session, alive } = await signedIn();
    const ask = await edge(logoutPath({ client_id: client.clientId, post_logout_redirect_uri: SIGNED_OUT, state: "s-2" }), {
      headers: { Cookie: session.cookie, Accept: "text/html" },
    });
    expect(ask.status).toBe(200);
    const page = await ask.text();
    expect(page).toContain("Sign out of");
    expect(page).toContain('action="/.sesame/oidc/end-session"');
    expect(await alive()).toBe(true);

    const form = { client_id: client.clientId, post_logout_redirect_uri: SIGNED_OUT, state: "s-2" };
    const crossSite = await edge("/.sesame/oidc/end-session", {
      method: "POST",
      headers: { Cookie: session.cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
      body: new URLSearchParams(form),
    });
    expect(crossSite.status).toBe(403);
    expect(await alive()).toBe(true);

    const confirmed = await edge("/.sesame/oidc/end-session", {
      method: "POST",
      headers: { Cookie: session.cookie, "Content-Type": "application/x-www-form-urlencoded", Origin: ISSUER },
      body: new URLSearchParams(form),
    });
    // On by Refresh, not a redirect: browsers hold a form's redirects to its page's form-action.
    expect(confirmed.status).toBe(200);
    expect(confirmed.headers.get("Location")).toBeNull();
    expect(confirmed.headers.get("Refresh")).toBe(`0;url=${SIGNED_OUT}?state=s-2`);
    expect(confirmed.headers.get("Set-Cookie")).toMatch(/Max-Age=0/);
    expect(await confirmed.text()).toContain(`href="${SIGNED_OUT}?state=s-2"`);
    expect(await alive()).toBe(false);
  });

  it("asks for a hint signed by another key, and for a hint naming another user", async () => {
    const { edge, client, idToken } = await signedIn();
    const other = await userWithSession();
    // Forged for the very user who is signed in: only the signature gives it away.
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: "oidc-rs-1", typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(client.clientId)
      .setSubject(other.user.id)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(
        await crypto.subtle.importKey(
          "jwk",
          { ...(await newRsaKey("x")), alg: "RS256" } as JsonWebKey,
          { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
          false,
          ["sign"],
        ),
      );
    for (const [hint, cookie] of [
      [forged, other.cookie],
      [idToken, other.cookie],
    ] as const) {
      const params = { id_token_hint: hint, client_id: client.clientId, post_logout_redirect_uri: SIGNED_OUT };
      const res = await edge(logoutPath(params), { headers: { Cookie: cookie, Accept: "text/html" } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("Sign out of");
      expect((await edge("/.sesame/me", { headers: { Cookie: other.cookie } })).status).toBe(200);
    }
  });
});

describe("a repeated parameter", () => {
  /** Each field sent twice: a registered value first, so a reader that kept the first one would sign out and redirect. */
  const repeats = (idToken: string): [string, [string, string][]][] => [
    [
      "post_logout_redirect_uri",
      [
        ["id_token_hint", idToken],
        ["post_logout_redirect_uri", SIGNED_OUT],
        ["post_logout_redirect_uri", "https://evil.example/"],
      ],
    ],
    [
      "id_token_hint",
      [
        ["id_token_hint", idToken],
        ["id_token_hint", "not-a-token"],
        ["post_logout_redirect_uri", SIGNED_OUT],
      ],
    ],
  ];

  async function expectRefusalNaming(res: Response, field: string) {
    expect(res.status).toBe(400);
    expect(res.headers.get("Location")).toBeNull();
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await res.text()).toContain(field);
  }

  it("in the query of a GET gets the error page naming it, and signs nobody out", async () => {
    const { edge, session, idToken, alive } = await signedIn();
    for (const [field, params] of repeats(idToken)) {
      const res = await edge(`/.sesame/oidc/logout?${new URLSearchParams(params)}`, {
        headers: { Cookie: session.cookie, Accept: "text/html" },
      });
      await expectRefusalNaming(res, field);
    }
    expect(await alive()).toBe(true);
  });

  it("in the form of a POST gets the error page naming it, and signs nobody out", async () => {
    const { edge, session, idToken, alive } = await signedIn();
    for (const [field, params] of repeats(idToken)) {
      const res = await edge("/.sesame/oidc/logout", {
        method: "POST",
        headers: {
          Cookie: session.cookie,
          "Content-Type": "application/x-www-form-urlencoded",
          Origin: "https://rp.example",
          Accept: "text/html",
        },
        body: new URLSearchParams(params),
      });
      await expectRefusalNaming(res, field);
    }
    expect(await alive()).toBe(true);
  });
});

describe("never to an unregistered address", () => {
  it("shows an error page, does not redirect and does not sign out", async () => {
    const { edge, client, session, idToken, alive } = await signedIn();
    const attempts: Record<string, string>[] = [
      { id_token_hint: idToken, post_logout_redirect_uri: "https://evil.example/" },
      { client_id: client.clientId, post_logout_redirect_uri: `${SIGNED_OUT}/x` },
      { post_logout_redirect_uri: SIGNED_OUT },
    ];
    for (const params of attempts) {
      const res = await edge(logoutPath(params), { headers: { Cookie: session.cookie, Accept: "text/html" } });
      expect(res.status).toBe(400);
      expect(res.headers.get("Location")).toBeNull();
    }
    expect(await alive()).toBe(true);
  });

  it("is advertised in discovery", async () => {
    const edge = await oidcWorker();
    const metadata = (await (await edge("/.well-known/openid-configuration")).json()) as Record<string, string>;
    expect(metadata.end_session_endpoint).toBe(`${ISSUER}/.sesame/oidc/logout`);
  });
});
