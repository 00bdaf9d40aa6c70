/**
 * The OpenID Connect provider driven by `openid-client`, a relying-party library nobody here
 * wrote, against a real `wrangler dev` with local D1 and KV (docs/oidc.md): discovery, PKCE,
 * the code exchange and the ID token's validation, userinfo, and the failures a provider must
 * produce: a replayed code, a wrong redirect URI, a missing PKCE verifier, a wrong secret, an
 * expired code, a reused refresh token, and an ID token presented to an origin as an
 * assertion. And `npm run admin -- clients`, run as an operator runs it.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAssertion } from "../../src/origin/index.ts";
import {
  authorizeInBrowser,
  browse,
  discover,
  POST_LOGOUT_URI,
  type Provider,
  REDIRECT_URI,
  registerClient,
  sessionChecks,
  signedInUser,
  startProvider,
} from "./oidc-relying-party";

/** Codes live 3 s in this worker, so the expiry test waits seconds, not a minute. */
const CODE_TTL_SECONDS = 3;
const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let provider: Provider;

beforeAll(async () => {
  // No grace: a reused refresh token revokes its family at once (the grace is tested with a controlled clock in test/oidc).
  provider = await startProvider({ OIDC_CODE_TTL: String(CODE_TTL_SECONDS), OIDC_REFRESH_REUSE_GRACE: "0" });
}, 120_000);

afterAll(async () => {
  await provider?.worker.stop();
}, 30_000);

/**
 * The OAuth error code openid-client reports for a refused request: from the JSON body, or
 * from the WWW-Authenticate challenge of a 401 (RFC 6750 section 3, RFC 6749 section 5.2).
 */
async function oauthErrorOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => expect.fail("the request succeeded"),
    (e: unknown) => e as { error?: string; code?: string; cause?: unknown; response?: Response },
  );
  if (error.code === "OAUTH_WWW_AUTHENTICATE_CHALLENGE") {
    const [challenge] = error.cause as Array<{ scheme: string; parameters: { error?: string } }>;
    if (challenge?.parameters.error) return challenge.parameters.error;
    // A Basic challenge (client authentication) carries the error in the body only.
    return ((await error.response!.json()) as { error: string }).error;
  }
  return error.error ?? error.code ?? String(error);
}

describe("discovery", () => {
  it("publishes the metadata openid-client needs, with this edge as issuer", async () => {
    const { clientId, clientSecret } = await registerClient(provider);
    const config = await discover(provider, clientId, clientSecret);
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(provider.issuer);
    expect(metadata.authorization_endpoint).toBe(`${provider.issuer}/.sesame/oidc/authorize`);
    expect(metadata.token_endpoint).toBe(`${provider.issuer}/.sesame/oidc/token`);
    expect(metadata.jwks_uri).toBe(`${provider.issuer}/.well-known/jwks.json`);
    expect(metadata.code_challenge_methods_supported).toEqual(["S256"]);
    expect(metadata.response_types_supported).toEqual(["code"]);
    expect(metadata.id_token_signing_alg_values_supported).toEqual(["RS256", "ES256"]);
    expect(metadata.supportsPKCE()).toBe(true);
  });
});

describe("signing in with the authorization code flow and PKCE", () => {
  it("gives ID token claims that openid-client validates, and userinfo for the access token (client_secret_post)", async () => {
    const user = await signedInUser(provider);
    const { clientId, clientSecret } = await registerClient(provider);
    const config = await discover(provider, clientId, clientSecret, oidc.ClientSecretPost(clientSecret));
    const { callback, checks } = await authorizeInBrowser(config, user.cookie);
    expect(callback.searchParams.get("iss")).toBe(provider.issuer);

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: checks.pkceCodeVerifier,
      expectedState: checks.expectedState,
      expectedNonce: checks.expectedNonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: provider.issuer,
      aud: clientId,
      sub: user.id,
      email: user.email,
      email_verified: true,
      amr: ["link"],
    });
    expect(claims.name).toBe("ann Example");
    expect(claims.nonce).toBe(checks.expectedNonce);
    expect(Math.abs((claims.auth_time as number) - Date.now() / 1000)).toBeLessThan(120);
    expect(tokens.refresh_token).toBeUndefined();

    const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info).toMatchObject({ sub: user.id, email: user.email, email_verified: true, name: "ann Example" });
  });

  it("works with client_secret_basic and an ES256 client, and for a public client with PKCE alone", async () => {
    const user = await signedInUser(provider, "bea");
    const es = await registerClient(provider, { idTokenAlg: "ES256" });
    const esConfig = await discover(provider, es.clientId, es.clientSecret, oidc.ClientSecretBasic(es.clientSecret), {
      id_token_signed_response_alg: "ES256",
    });
    const first = await authorizeInBrowser(esConfig, user.cookie, "openid");
    const esTokens = await oidc.authorizationCodeGrant(esConfig, first.callback, first.checks);
    expect(esTokens.claims()!.sub).toBe(user.id);
    expect(JSON.parse(Buffer.from(esTokens.id_token!.split(".")[0]!, "base64url").toString()).alg).toBe("ES256");

    const pub = await registerClient(provider, { type: "public" });
    const pubConfig = await discover(provider, pub.clientId, undefined, oidc.None());
    const second = await authorizeInBrowser(pubConfig, user.cookie, "openid");
    const pubTokens = await oidc.authorizationCodeGrant(pubConfig, second.callback, second.checks);
    expect(pubTokens.claims()!.sub).toBe(user.id);
  });

  it("sends a browser without a session to sign in first, and back to authorize afterwards", async () => {
    const { clientId, clientSecret } = await registerClient(provider);
    const config = await discover(provider, clientId, clientSecret);
    const checks = await sessionChecks();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: "openid",
      code_challenge: checks.codeChallenge,
      code_challenge_method: "S256",
      state: checks.expectedState,
      nonce: checks.expectedNonce,
    });
    const anonymous = await browse(url);
    expect(anonymous.status).toBe(302);
    const login = new URL(anonymous.location!, provider.issuer);
    expect(login.pathname).toBe("/.sesame/login");
    // Signed in, the continue value leads back to this very authorize request, which now gives a code.
    const user = await signedInUser(provider, "cat");
    const resumed = await browse(new URL(login.searchParams.get("next")!, provider.issuer), user.cookie);
    // A page that goes on with Refresh (a sign-in form's redirects may not end on the app).
    expect(resumed.status).toBe(200);
    const onward = /^0;url=(.+)$/.exec(resumed.refresh ?? "")?.[1];
    const back = await browse(new URL(onward!, provider.issuer), user.cookie);
    expect(back.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(back.location!), checks);
    expect(tokens.claims()!.sub).toBe(user.id);
  });
});

describe("refresh tokens", () => {
  it("come with offline_access, refresh into new tokens openid-client accepts, and a reused one revokes its family", async () => {
    const user = await signedInUser(provider, "dan");
    const { clientId, clientSecret } = await registerClient(provider);
    const config = await discover(provider, clientId, clientSecret);
    const { callback, checks } = await authorizeInBrowser(config, user.cookie, "openid email offline_access");
    const first = await oidc.authorizationCodeGrant(config, callback, checks);
    expect(first.refresh_token).toEqual(expect.any(String));

    const second = await oidc.refreshTokenGrant(config, first.refresh_token!);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.claims()).toMatchObject({ sub: user.id, aud: clientId });
    await expect(oidc.fetchUserInfo(config, second.access_token, user.id)).resolves.toMatchObject({ email: user.email });

    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, first.refresh_token!))).toBe("invalid_grant");
    expect(await oauthErrorOf(oidc.refreshTokenGrant(config, second.refresh_token!))).toBe("invalid_grant");
    expect(await oauthErrorOf(oidc.fetchUserInfo(config, second.access_token, user.id))).toBe("invalid_token");
  });
});

describe("signing out (RP-initiated logout)", () => {
  it("ends the edge session at once for a valid id_token_hint and returns to the registered URI", async () => {
    const user = await signedInUser(provider, "eve");
    const { clientId, clientSecret } = await registerClient(provider);
    const config = await discover(provider, clientId, clientSecret);
    expect(config.serverMetadata().end_session_endpoint).toBe(`${provider.issuer}/.sesame/oidc/logout`);
    const { callback, checks } = await authorizeInBrowser(config, user.cookie);
    const tokens = await oidc.authorizationCodeGrant(config, callback, checks);

    const url = oidc.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: POST_LOGOUT_URI,
      state: "bye",
    });
    const answer = await browse(url, user.cookie);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`${POST_LOGOUT_URI}?state=bye`);
    // The session is over: authorize sends the browser to sign in again.
    const again = await browse(oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: "openid" }), user.cookie);
    expect(new URL(again.location!, provider.issuer).pathname).toBe("/.sesame/login");
  });

  it("asks first without an id_token_hint, and never returns to an unregistered URI", async () => {
    const user = await signedInUser(provider, "fay");
    const { clientId, clientSecret } = await registerClient(provider);
    const config = await discover(provider, clientId, clientSecret);
    const asked = await browse(oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: POST_LOGOUT_URI }), user.cookie);
    expect(asked.status).toBe(200);
    expect(asked.body).toContain("Sign out of");
    const refused = await browse(
      oidc.buildEndSessionUrl(config, { post_logout_redirect_uri: "http://127.0.0.1:9/elsewhere" }),
      user.cookie,
    );
    expect(refused.status).toBe(400);
    expect(refused.location).toBeNull();
  });
});

/** Each CLI run is a fresh Node process: on a loaded machine a few of them take longer than one request. */
const CLI_TEST_TIMEOUT_MS = 90_000;

describe("npm run admin -- clients", () => {
  function admin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ["scripts/admin.mjs", ...args, "--url", provider.issuer],
        { cwd: ROOT, env: { ...process.env, ADMIN_TOKEN: provider.adminToken }, timeout: 30_000 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  }

  it(
    "adds a client and prints its secret once, lists it without the secret, and deletes it",
    async () => {
      const added = await admin([
        "clients",
        "add",
        "Grafana",
        "--redirect-uri",
        "https://grafana.example.com/login/generic_oauth",
        "--app",
        "wiki",
      ]);
      expect(added.code, added.stderr).toBe(0);
      const clientId = /^client_id\s+(\S+)$/m.exec(added.stdout)![1]!;
      const secret = /^client_secret\s+(\S+)$/m.exec(added.stdout)![1]!;
      expect(added.stderr).toContain("shown once");

      const listed = await admin(["clients", "list"]);
      expect(listed.stdout).toMatch(/^CLIENT ID\s+NAME\s+TYPE\s+APP\s+REDIRECT URIS\s+CREATED$/m);
      expect(listed.stdout).toContain(clientId);
      expect(listed.stdout).toContain("https://grafana.example.com/login/generic_oauth");
      expect(listed.stdout).not.toContain(secret);

      const json = JSON.parse((await admin(["clients", "list", "--json"])).stdout) as { clients: { clientId: string; app: string }[] };
      expect(json.clients.find((c) => c.clientId === clientId)).toMatchObject({ app: "wiki" });

      expect(await admin(["clients", "delete", clientId])).toMatchObject({
        code: 0,
        stdout: `deleted client ${clientId}; its tokens no longer work\n`,
      });
      expect(await admin(["clients", "delete", clientId])).toMatchObject({ code: 1, stderr: "admin: No such client\n" });
    },
    CLI_TEST_TIMEOUT_MS,
  );

  it(
    "adds a public client without a secret, and refuses a bad redirect URI with the field the API names",
    async () => {
      const pub = await admin([
        "clients",
        "add",
        "SPA",
        "--type",
        "public",
        "--redirect-uri",
        "http://127.0.0.1:5173/cb,http://localhost:5173/cb",
      ]);
      expect(pub.code).toBe(0);
      expect(pub.stdout).not.toContain("client_secret");
      const bad = await admin(["clients", "add", "Bad", "--redirect-uri", "http://rp.example/cb"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^admin: .*\(field: redirectUris\)\n$/);
      const missing = await admin(["clients", "add", "NoUri"]);
      expect(missing).toMatchObject({ code: 2, stderr: "admin: clients add needs --redirect-uri (where the app receives the sign-in)\n" });
    },
    CLI_TEST_TIMEOUT_MS,
  );
});

describe("the failures", () => {
  it("refuses a replayed code, and revokes the access token the first exchange gave", async () => {
    const user = await signedInUser(provider);
    const { clientId, clientSecret } = await registerClient(provider);
    const config = await discover(provider, clientId, clientSecret);
    const { callback, checks } = await authorizeInBrowser(config, user.cookie);
    const tokens = await oidc.authorizationCodeGrant(config, callback, checks);
    await expect(oidc.fetchUserInfo(config, tokens.access_token, user.id)).resolves.toMatchObject({ sub: user.id });
    expect(await oauthErrorOf(oidc.authorizationCodeGrant(config, callback, checks))).toBe("invalid_grant");
    expect(await oauthErrorOf(oidc.fetchUserInfo(config, tokens.access_token, user.id))).toBe("invalid_token");
  });

  it("never redirects to an unregistered redirect URI, and refuses a code exchanged with another one", async () => {
    const user = await signedInUser(provider);
    const { clientId, clientSecret } = await registerClient(provider);
    const config = await discover(provider, clientId, clientSecret);
    const checks = await sessionChecks();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: "http://127.0.0.1:9/elsewhere",
      scope: "openid",
      code_challenge: checks.codeChallenge,
      code_challenge_method: "S256",
    });
    const answer = await browse(url, user.cookie);
    expect(answer.status).toBe(400);
    expect(answer.location).toBeNull();

    const { callback, checks: good } = await authorizeInBrowser(config, user.cookie);
    const moved = new URL(callback);
    moved.pathname = "/elsewhere";
    expect(await oauthErrorOf(oidc.authorizationCodeGrant(config, moved, good))).toBe("invalid_grant");
  });

  it("refuses a public client without PKCE at authorize, and a code exchanged without its verifier", async () => {
    const user = await signedInUser(provider);
    const pub = await registerClient(provider, { type: "public" });
    const pubConfig = await discover(provider, pub.clientId, undefined, oidc.None());
    const answer = await browse(
      oidc.buildAuthorizationUrl(pubConfig, { redirect_uri: REDIRECT_URI, scope: "openid", state: "s" }),
      user.cookie,
    );
    expect(new URL(answer.location!).searchParams.get("error")).toBe("invalid_request");

    const { clientId, clientSecret } = await registerClient(provider);
    const config = await discover(provider, clientId, clientSecret);
    const { callback, checks } = await authorizeInBrowser(config, user.cookie);
    // openid-client always sends a verifier when given one: send the exchange without it by hand.
    const res = await fetch(`${provider.issuer}/.sesame/oidc/token`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: callback.searchParams.get("code")!,
        redirect_uri: REDIRECT_URI,
        client_id: clientId,
        client_secret: clientSecret!,
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
    void checks;
  });

  it("refuses a wrong client secret with invalid_client", async () => {
    const user = await signedInUser(provider);
    const { clientId, clientSecret } = await registerClient(provider);
    const good = await discover(provider, clientId, clientSecret);
    const { callback, checks } = await authorizeInBrowser(good, user.cookie);
    const wrong = await discover(provider, clientId, `${clientSecret}-not`, oidc.ClientSecretBasic(`${clientSecret}-not`));
    expect(await oauthErrorOf(oidc.authorizationCodeGrant(wrong, callback, checks))).toBe("invalid_client");
  });

  it(`refuses a code exchanged after its ${CODE_TTL_SECONDS} s (OIDC_CODE_TTL)`, async () => {
    const user = await signedInUser(provider);
    const { clientId, clientSecret } = await registerClient(provider);
    const config = await discover(provider, clientId, clientSecret);
    const { callback, checks } = await authorizeInBrowser(config, user.cookie);
    await new Promise((resolve) => setTimeout(resolve, (CODE_TTL_SECONDS + 1) * 1000));
    expect(await oauthErrorOf(oidc.authorizationCodeGrant(config, callback, checks))).toBe("invalid_grant");
  });

  it("an ID token, RS256 or ES256, never passes at an origin as an assertion, even with the client id as audience", async () => {
    const user = await signedInUser(provider);
    for (const alg of ["RS256", "ES256"] as const) {
      const { clientId, clientSecret } = await registerClient(provider, { idTokenAlg: alg });
      const config = await discover(provider, clientId, clientSecret, undefined, { id_token_signed_response_alg: alg });
      const { callback, checks } = await authorizeInBrowser(config, user.cookie);
      const tokens = await oidc.authorizationCodeGrant(config, callback, checks);
      const options = { jwksUrl: `${provider.issuer}/.well-known/jwks.json`, issuer: provider.issuer, audience: clientId };
      for (const acceptLegacyAssertions of [true, false]) {
        await expect(verifyAssertion(tokens.id_token!, { ...options, acceptLegacyAssertions })).rejects.toMatchObject({
          code: "invalid_assertion",
        });
      }
      // An ES256 one passes the algorithm pin: with the old type no longer accepted, the type check refuses it.
      if (alg === "ES256") {
        await expect(verifyAssertion(tokens.id_token!, { ...options, acceptLegacyAssertions: false })).rejects.toThrow(/"typ"/);
      }
    }
  });
});
