/** Refresh tokens (docs/oidc.md, "Refresh tokens"): rotation, reuse, the grace, and everything they die with. */
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { adminOk } from "../admin-client";
import { userWithSession } from "../gate-support";
import { d1WithStatementHook, once } from "../support/d1-hooks";
import { adminOf, authorizePath, codeFor, oidcWorker, pkcePair, REDIRECT_URI, registerClient, tokenRequest } from "./support";

afterEach(() => vi.restoreAllMocks());

interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token: string;
}

/** A signed-in user's tokens with offline_access (and `scope`), and helpers to refresh and call userinfo. */
async function offlineGrant(
  overrides: Record<string, string> = {},
  clientFields: Record<string, unknown> = {},
  scope = "openid email offline_access",
) {
  const edge = await oidcWorker(overrides);
  const client = await registerClient(edge, clientFields);
  const session = await userWithSession();
  const { verifier, challenge } = await pkcePair();
  const path = authorizePath(client.clientId, {
    scope,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const code = await codeFor(edge, session.cookie, path);
  const basic = { id: client.clientId, secret: client.clientSecret! };
  const res = await tokenRequest(
    edge,
    { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
    basic,
  );
  const tokens = (await res.json()) as Tokens;
  const refresh = (refreshToken: string, auth = basic, form: Record<string, string> = {}) =>
    tokenRequest(edge, { grant_type: "refresh_token", refresh_token: refreshToken, ...form }, auth);
  const userinfo = (accessToken: string) => edge("/.sesame/oidc/userinfo", { headers: { Authorization: `Bearer ${accessToken}` } });
  return { edge, client, session, tokens, refresh, userinfo, basic };
}

async function expectInvalidGrant(res: Response) {
  expect(res.status).toBe(400);
  expect(res.headers.get("Cache-Control")).toBe("no-store");
  expect(await res.json()).toMatchObject({ error: "invalid_grant" });
}

describe("a refresh token", () => {
  it("is issued only with offline_access", async () => {
    const { tokens } = await offlineGrant();
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("rotates: a refresh gives new tokens, and the old refresh token stops working", async () => {
    const { tokens, refresh, userinfo } = await offlineGrant();
    const res = await refresh(tokens.refresh_token!);
    expect(res.status).toBe(200);
    const next = (await res.json()) as Tokens;
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect((await userinfo(next.access_token)).status).toBe(200);
    await expectInvalidGrant(await refresh(tokens.refresh_token!));
  });

  it("used again within the grace is refused without revoking the family (two concurrent refreshes)", async () => {
    const { tokens, refresh, userinfo } = await offlineGrant({ OIDC_REFRESH_REUSE_GRACE: "10" });
    const next = (await (await refresh(tokens.refresh_token!)).json()) as Tokens;
    await expectInvalidGrant(await refresh(tokens.refresh_token!));
    expect((await userinfo(next.access_token)).status).toBe(200);
    expect((await refresh(next.refresh_token!)).status).toBe(200);
  });

  it("used again after the grace revokes its whole family", async () => {
    const { tokens, refresh, userinfo } = await offlineGrant({ OIDC_REFRESH_REUSE_GRACE: "10" });
    const next = (await (await refresh(tokens.refresh_token!)).json()) as Tokens;
    const later = Date.now() + 11_000;
    vi.spyOn(Date, "now").mockReturnValue(later);
    await expectInvalidGrant(await refresh(tokens.refresh_token!));
    expect((await userinfo(next.access_token)).status).toBe(401);
    await expectInvalidGrant(await refresh(next.refresh_token!));
  });

  it("presented by another client is refused and its family revoked, whatever scope it names", async () => {
    for (const scope of [undefined, "openid groups", "openid wiki:write", "email"]) {
      const { edge, tokens, refresh, userinfo } = await offlineGrant();
      const other = await registerClient(edge);
      const form: Record<string, string> = scope === undefined ? {} : { scope };
      await expectInvalidGrant(await refresh(tokens.refresh_token!, { id: other.clientId, secret: other.clientSecret! }, form));
      expect([scope, (await userinfo(tokens.access_token)).status]).toEqual([scope, 401]);
    }
  });

  it("revokes a refresh's new tokens when its grant is revoked between the rotation and their insert", async () => {
    const { edge, client, tokens, basic } = await offlineGrant();
    const other = await registerClient(edge);
    let hijack: Response | null = null;
    // Another client presents the token the refresh just rotated: the grant is revoked mid-refresh.
    const hijackFirst = once(async () => {
      hijack = await tokenRequest(
        edge,
        { grant_type: "refresh_token", refresh_token: tokens.refresh_token },
        { id: other.clientId, secret: other.clientSecret! },
      );
    });
    const insertsTokens = (sql: string) => /^insert into "oidc_tokens"/i.test(sql);
    const racing = await oidcWorker({}, { DB: d1WithStatementHook(env.DB, insertsTokens, hijackFirst) });
    const res = await tokenRequest(racing, { grant_type: "refresh_token", refresh_token: tokens.refresh_token }, basic);
    expect(hijack).not.toBeNull();
    await expectInvalidGrant(hijack!);
    await expectInvalidGrant(res);
    const live = await env.DB.prepare("SELECT count(*) AS n FROM oidc_tokens WHERE client_id = ? AND revoked_at IS NULL")
      .bind(client.clientId)
      .first<{ n: number }>();
    expect(live?.n).toBe(0);
  });

  it.each([
    ["the user signs out everywhere", (userId: string) => adminOk("POST", `/users/${userId}/revoke-tokens`, 200)],
    ["the user is deactivated", (userId: string) => adminOk("PATCH", `/users/${userId}`, 200, { json: { active: false } })],
    ["the user is deleted", (userId: string) => adminOk("DELETE", `/users/${userId}`, 204)],
  ])("dies when %s", async (_label, act) => {
    const { session, tokens, refresh, userinfo } = await offlineGrant();
    await act(session.user.id);
    await expectInvalidGrant(await refresh(tokens.refresh_token!));
    expect((await userinfo(tokens.access_token)).status).toBe(401);
  });

  it("dies with its client", async () => {
    const { edge, client, tokens, refresh, userinfo } = await offlineGrant();
    expect((await adminOf(edge)("DELETE", `/clients/${client.clientId}`)).status).toBe(204);
    expect((await refresh(tokens.refresh_token!)).status).toBe(401);
    expect((await userinfo(tokens.access_token)).status).toBe(401);
  });

  it("is refused once the client's app's policies no longer admit the user", async () => {
    const group = `oidc-${Date.now()}`;
    await adminOk("POST", "/groups", 201, { json: { name: group } });
    const apps = JSON.stringify([
      {
        name: "wiki",
        hosts: ["wiki.localhost"],
        origin: env.ORIGIN_URL,
        policies: [{ name: "members", path: "/*", action: "allow", include: [{ group }] }],
      },
    ]);
    const edge = await oidcWorker({ APPS: apps });
    const client = await registerClient(edge, { app: "wiki" });
    const session = await userWithSession();
    await adminOk("POST", `/groups/${group}/members`, 201, { json: { user: session.user.id } });
    const code = await codeFor(edge, session.cookie, authorizePath(client.clientId, { scope: "openid offline_access" }));
    const basic = { id: client.clientId, secret: client.clientSecret! };
    const tokens = (await (
      await tokenRequest(edge, { grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI }, basic)
    ).json()) as Tokens;
    const next = (await (
      await tokenRequest(edge, { grant_type: "refresh_token", refresh_token: tokens.refresh_token }, basic)
    ).json()) as Tokens;
    await adminOk("DELETE", `/groups/${group}/members/${session.user.id}`, 204);
    await expectInvalidGrant(await tokenRequest(edge, { grant_type: "refresh_token", refresh_token: next.refresh_token }, basic));
  });

  it("refuses a scope the grant did not have, an unknown one, or one without openid, and stays usable", async () => {
    const { tokens, basic, refresh } = await offlineGrant();
    for (const scope of ["openid groups", "openid email wiki:write", "email offline_access"]) {
      const res = await refresh(tokens.refresh_token!, basic, { scope });
      expect(res.status).toBe(400);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect([scope, await res.json()]).toEqual([scope, expect.objectContaining({ error: "invalid_scope" })]);
    }
    // RFC 6749 section 6: a refused request changes nothing, so the relying party's token still works.
    expect((await refresh(tokens.refresh_token!)).status).toBe(200);
  });

  it("narrows the access token, the ID token and the answer to a smaller scope; the refresh token keeps the grant's", async () => {
    const group = `oidc-narrow-${Date.now()}`;
    await adminOk("POST", "/groups", 201, { json: { name: group } });
    const { session, tokens, refresh, userinfo, basic } = await offlineGrant({}, {}, "openid email profile groups offline_access");
    await adminOk("POST", `/groups/${group}/members`, 201, { json: { user: session.user.id } });

    const narrowed = await refresh(tokens.refresh_token!, basic, { scope: "openid email" });
    expect(narrowed.status).toBe(200);
    const narrow = (await narrowed.json()) as Tokens & { scope: string };
    expect(narrow.scope).toBe("openid email");
    const idClaims = decodeJwt(narrow.id_token);
    expect(idClaims.email).toBe(session.user.email);
    expect(idClaims).not.toHaveProperty("groups");
    expect(idClaims).not.toHaveProperty("name");
    const info = (await (await userinfo(narrow.access_token)).json()) as Record<string, unknown>;
    expect(info.email).toBe(session.user.email);
    expect(info).not.toHaveProperty("groups");
    expect(info).not.toHaveProperty("name");

    // The new refresh token still carries the whole grant: without `scope`, everything comes back.
    const whole = (await (await refresh(narrow.refresh_token!)).json()) as Tokens & { scope: string };
    expect(whole.scope).toBe("openid email profile groups offline_access");
    expect(decodeJwt(whole.id_token).groups).toEqual([group]);
    expect(((await (await userinfo(whole.access_token)).json()) as Record<string, unknown>).groups).toEqual([group]);
  });
});
