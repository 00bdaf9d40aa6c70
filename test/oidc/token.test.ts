/** POST /.sesame/oidc/token and GET /.sesame/oidc/userinfo (docs/oidc.md): the code exchange, the ID token, and every refusal. */
import { env } from "cloudflare:workers";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { adminOk } from "../admin-client";
import { userWithSession } from "../gate-support";
import { d1WithStatementHook, once } from "../support/d1-hooks";
import { authorizePath, codeFor, ISSUER, oidcWorker, pkcePair, REDIRECT_URI, registerClient, tokenRequest } from "./support";

afterEach(() => vi.restoreAllMocks());

interface TokenAnswer {
  access_token: string;
  token_type: string;
  expires_in: number;
  id_token: string;
  refresh_token?: string;
  scope: string;
}

/** A confidential client, a signed-in user and a fresh code with PKCE. */
async function codeGranted(
  overrides: Record<string, string> = {},
  clientFields: Record<string, unknown> = {},
  params: Record<string, string> = {},
) {
  const edge = await oidcWorker(overrides);
  const client = await registerClient(edge, clientFields);
  const session = await userWithSession("code");
  const { verifier, challenge } = await pkcePair();
  const code = await codeFor(
    edge,
    session.cookie,
    authorizePath(client.clientId, { code_challenge: challenge, code_challenge_method: "S256", ...params }),
  );
  const basic = { id: client.clientId, secret: client.clientSecret! };
  /** `auth` null: no HTTP Basic (the client authenticates in the body, or not at all). */
  const exchange = (form: Record<string, string | undefined> = {}, auth: typeof basic | null = basic) =>
    tokenRequest(
      edge,
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...form },
      auth ?? undefined,
    );
  return { edge, client, session, code, verifier, basic, exchange };
}

async function expectOAuthError(res: Response, error: string, status = 400) {
  expect(res.status).toBe(status);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = (await res.json()) as { error: string; error_description: string };
  expect(body.error).toBe(error);
  expect(body.error_description).toEqual(expect.any(String));
}

const userinfo = (edge: Awaited<ReturnType<typeof oidcWorker>>, accessToken: string) =>
  edge("/.sesame/oidc/userinfo", { headers: { Authorization: `Bearer ${accessToken}` } });

describe("exchanging a code", () => {
  it("gives an access token and an RS256 ID token with the OpenID claims, no-store, with CORS", async () => {
    const { edge, client, session, exchange } = await codeGranted();
    const res = await exchange();
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const body = (await res.json()) as TokenAnswer;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "openid email" });
    expect(body.refresh_token).toBeUndefined();
    const jwks = createLocalJWKSet(await (await edge("/.well-known/jwks.json")).json());
    const { payload, protectedHeader } = await jwtVerify(body.id_token, jwks, {
      issuer: ISSUER,
      audience: client.clientId,
      algorithms: ["RS256"],
    });
    expect(protectedHeader).toMatchObject({ alg: "RS256", kid: "oidc-rs-1", typ: "JWT" });
    expect(payload).toMatchObject({
      sub: session.user.id,
      email: session.user.email,
      email_verified: true,
      nonce: "nonce-1",
      amr: ["code"],
    });
    expect(payload.auth_time).toBeTypeOf("number");
    expect(Math.abs((payload.auth_time as number) - Date.now() / 1000)).toBeLessThan(30);
    expect(payload).not.toHaveProperty("groups");
  });

  it("signs with ES256 for a client registered for it, and adds name and groups for their scopes", async () => {
    const { edge, client, session, exchange } = await codeGranted({}, { idTokenAlg: "ES256" }, { scope: "openid profile groups" });
    await adminOk("POST", "/groups", 201, { json: { name: `g${Date.now()}` } }).then((g) =>
      adminOk("POST", `/groups/${g.group.name}/members`, 201, { json: { user: session.user.id } }).then(() => g.group.name as string),
    );
    const body = (await (await exchange()).json()) as TokenAnswer;
    expect(decodeProtectedHeader(body.id_token)).toMatchObject({ alg: "ES256", kid: "oidc-es-1" });
    const jwks = createLocalJWKSet(await (await edge("/.well-known/jwks.json")).json());
    const { payload } = await jwtVerify(body.id_token, jwks, { issuer: ISSUER, audience: client.clientId, algorithms: ["ES256"] });
    expect(payload.name).toBe(session.user.email);
    expect(payload.groups).toEqual([expect.stringMatching(/^g\d+$/)]);
    expect(payload).not.toHaveProperty("email");
  });

  it("accepts client_secret_post as well as client_secret_basic, and a public client with PKCE and no secret", async () => {
    const confidential = await codeGranted();
    const post = await confidential.exchange(
      { client_id: confidential.client.clientId, client_secret: confidential.client.clientSecret },
      null,
    );
    expect(post.status).toBe(200);

    const pub = await codeGranted({}, { type: "public" });
    expect((await pub.exchange({ client_id: pub.client.clientId }, null)).status).toBe(200);
  });

  it("exempts exactly the relying parties' paths from the same-origin check, nothing below them", async () => {
    const edge = await oidcWorker({});
    for (const path of ["/.sesame/oidc/token/x", "/.sesame/oidc/userinfo/x", "/.sesame/oidc/logout/x"]) {
      const res = await edge(path, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://rp.example", "Sec-Fetch-Site": "cross-site" },
        body: "a=b",
      });
      expect(res.status, path).toBe(403);
    }
  });

  it("is not subject to the same-origin check: relying parties post from their own sites", async () => {
    const { edge, code, verifier, client } = await codeGranted();
    const res = await edge("/.sesame/oidc/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://rp.example", "Sec-Fetch-Site": "cross-site" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
        client_id: client.clientId,
        client_secret: client.clientSecret!,
      }),
    });
    expect(res.status).toBe(200);
  });

  it("answers the CORS preflight", async () => {
    const edge = await oidcWorker();
    const res = await edge("/.sesame/oidc/token", {
      method: "OPTIONS",
      headers: { Origin: "https://rp.example", "Access-Control-Request-Method": "POST" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
  });
});

describe("refusals", () => {
  it("refuses a wrong, missing or unknown client credential with invalid_client (401), and two methods at once", async () => {
    const { exchange, client } = await codeGranted();
    const wrong = await exchange({}, { id: client.clientId, secret: `${client.clientSecret}x` });
    await expectOAuthError(wrong, "invalid_client", 401);
    expect(wrong.headers.get("WWW-Authenticate")).toMatch(/^Basic/);
    await expectOAuthError(await exchange({}, { id: "nobody", secret: "x" }), "invalid_client", 401);
    await expectOAuthError(await exchange({ client_id: client.clientId }, null), "invalid_client", 401);
    await expectOAuthError(await exchange({ client_secret: client.clientSecret }), "invalid_request");
    // The code survived all of that: a failed client authentication consumes nothing.
    expect((await exchange()).status).toBe(200);
  });

  it("refuses a replayed code and revokes what the first exchange issued", async () => {
    const { edge, exchange } = await codeGranted();
    const first = (await (await exchange()).json()) as TokenAnswer;
    expect((await userinfo(edge, first.access_token)).status).toBe(200);
    await expectOAuthError(await exchange(), "invalid_grant");
    expect((await userinfo(edge, first.access_token)).status).toBe(401);
  });

  it("revokes what the first exchange issues when a replay lands between its code check and its token insert", async () => {
    const { client, code, verifier, basic, exchange } = await codeGranted();
    let replay: Response | null = null;
    const replayFirst = once(async () => {
      replay = await exchange();
    });
    const insertsTokens = (sql: string) => /^insert into "oidc_tokens"/i.test(sql);
    const racing = await oidcWorker({}, { DB: d1WithStatementHook(env.DB, insertsTokens, replayFirst) });
    const first = await tokenRequest(
      racing,
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      basic,
    );
    expect(replay).not.toBeNull();
    await expectOAuthError(replay!, "invalid_grant");
    await expectOAuthError(first, "invalid_grant");
    const live = await env.DB.prepare("SELECT count(*) AS n FROM oidc_tokens WHERE client_id = ? AND revoked_at IS NULL")
      .bind(client.clientId)
      .first<{ n: number }>();
    expect(live?.n).toBe(0);
  });

  it("refuses a redirect_uri other than the authorize request's", async () => {
    const { exchange } = await codeGranted();
    await expectOAuthError(await exchange({ redirect_uri: `${REDIRECT_URI}/other` }), "invalid_grant");
  });

  it("refuses a missing or wrong PKCE verifier", async () => {
    await expectOAuthError(await (await codeGranted()).exchange({ code_verifier: undefined }), "invalid_grant");
    const { verifier: other } = await pkcePair();
    await expectOAuthError(await (await codeGranted()).exchange({ code_verifier: other }), "invalid_grant");
  });

  it("refuses a verifier for a code issued without a challenge (a PKCE downgrade)", async () => {
    const edge = await oidcWorker();
    const client = await registerClient(edge);
    const { cookie } = await userWithSession();
    const code = await codeFor(edge, cookie, authorizePath(client.clientId));
    const { verifier } = await pkcePair();
    const res = await tokenRequest(
      edge,
      { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
      { id: client.clientId, secret: client.clientSecret! },
    );
    await expectOAuthError(res, "invalid_grant");
  });

  /** Refusals from one test address are many in this file: none may be folded into a summary row. */
  const EVERY_REFUSAL_AUDITED = { AUDIT_FAILURES_PER_CLIENT: "1000" };

  /** The audit row of the latest refused grant at `clientId`: its reason and detail. */
  async function lastRefusal(clientId: string) {
    const row = await env.DB.prepare(
      "SELECT reason, detail FROM auth_events WHERE event = 'oidc_grant_refused' AND json_extract(detail, '$.client') = ? ORDER BY id DESC LIMIT 1",
    )
      .bind(clientId)
      .first<{ reason: string; detail: string }>();
    return { reason: row?.reason, detail: JSON.parse(row?.detail ?? "{}") as Record<string, unknown> };
  }

  it("refuses a used code at another client and revokes every token its first exchange issued", async () => {
    const offline = { scope: "openid email offline_access" };
    const { edge, basic, exchange } = await codeGranted(EVERY_REFUSAL_AUDITED, {}, offline);
    const issued = (await (await exchange()).json()) as TokenAnswer;
    expect((await userinfo(edge, issued.access_token)).status).toBe(200);
    const other = await registerClient(edge);
    await expectOAuthError(await exchange({}, { id: other.clientId, secret: other.clientSecret! }), "invalid_grant");
    expect((await userinfo(edge, issued.access_token)).status).toBe(401);
    const refresh = await tokenRequest(edge, { grant_type: "refresh_token", refresh_token: issued.refresh_token! }, basic);
    await expectOAuthError(refresh, "invalid_grant");
    expect(await lastRefusal(other.clientId)).toEqual({
      reason: "code_other_client",
      detail: expect.objectContaining({ revoked: 2, alreadyUsed: 1 }),
    });
  });

  it("refuses an unused code at another client, revokes its grant, and burns it for its own client", async () => {
    const { edge, client, exchange } = await codeGranted(EVERY_REFUSAL_AUDITED);
    const other = await registerClient(edge);
    await expectOAuthError(await exchange({}, { id: other.clientId, secret: other.clientSecret! }), "invalid_grant");
    expect(await lastRefusal(other.clientId)).toEqual({
      reason: "code_other_client",
      detail: expect.objectContaining({ revoked: 0, alreadyUsed: 0 }),
    });
    const revokedCodes = await env.DB.prepare("SELECT count(*) AS n FROM oidc_codes WHERE client_id = ? AND revoked_at IS NOT NULL")
      .bind(client.clientId)
      .first<{ n: number }>();
    expect(revokedCodes?.n).toBe(1);
    await expectOAuthError(await exchange(), "invalid_grant");
    expect((await lastRefusal(client.clientId)).reason).toBe("code_replayed");
  });

  it("refuses an expired code (OIDC_CODE_TTL)", async () => {
    const { exchange } = await codeGranted({ OIDC_CODE_TTL: "5" });
    const later = Date.now() + 6000;
    vi.spyOn(Date, "now").mockReturnValue(later);
    await expectOAuthError(await exchange(), "invalid_grant");
  });

  it("refuses a code after the user signed out everywhere", async () => {
    const { session, exchange } = await codeGranted();
    await adminOk("POST", `/users/${session.user.id}/revoke-tokens`, 200);
    await expectOAuthError(await exchange(), "invalid_grant");
  });

  it("refuses other grant types and a body that is not a form", async () => {
    const { edge, basic } = await codeGranted();
    await expectOAuthError(
      await tokenRequest(edge, { grant_type: "password", username: "a", password: "b" }, basic),
      "unsupported_grant_type",
    );
    await expectOAuthError(await tokenRequest(edge, { grant_type: "client_credentials" }, basic), "unsupported_grant_type");
    const json = await edge("/.sesame/oidc/token", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
    await expectOAuthError(json, "invalid_request");
  });
});

describe("userinfo", () => {
  it("answers the scopes' claims for a valid access token, with CORS", async () => {
    const { edge, session, exchange } = await codeGranted();
    const { access_token } = (await (await exchange()).json()) as TokenAnswer;
    const res = await userinfo(edge, access_token);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await res.json()).toEqual({ sub: session.user.id, email: session.user.email, email_verified: true });
    const post = await edge("/.sesame/oidc/userinfo", {
      method: "POST",
      headers: { Authorization: `Bearer ${access_token}`, Origin: "https://rp.example" },
    });
    expect(post.status).toBe(200);
  });

  it("refuses a missing, unknown, or deactivated user's token with 401 and WWW-Authenticate", async () => {
    const { edge, session, exchange } = await codeGranted();
    const { access_token } = (await (await exchange()).json()) as TokenAnswer;
    expect((await edge("/.sesame/oidc/userinfo")).headers.get("WWW-Authenticate")).toBe("Bearer");
    const unknown = await userinfo(edge, "x".repeat(43));
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
    await adminOk("PATCH", `/users/${session.user.id}`, 200, { json: { active: false } });
    expect((await userinfo(edge, access_token)).status).toBe(401);
  });
});
