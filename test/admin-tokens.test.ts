import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { checkToken, issueToken } from "../src/auth/token-service";
import { getConfig } from "../src/config";
import { revokedTokenKey } from "../src/kv/keys";
import { hashToken } from "../src/tokens";
import { findUserById } from "../src/users/store";
import { admin, adminOk, createUserViaApi, expectError, tokenDeps, uniqueEmail } from "./admin-client";

const config = getConfig(env);

interface IssuedJson {
  token: string;
  url: string | null;
  scope: string;
  oneTime: boolean;
  expiresAt: string;
}

function issue(user: string, json?: Record<string, unknown>): Promise<IssuedJson> {
  return adminOk<IssuedJson>("POST", `/users/${user}/tokens`, 201, json === undefined ? {} : { json });
}

describe("issuing tokens", () => {
  it("issues a login link by default: magic-link URL, one-time per LINK_ONE_TIME, LINK_MAX_AGE", async () => {
    const user = await createUserViaApi();
    const before = Date.now();
    const issued = await issue(user.id);
    expect(Object.keys(issued).sort()).toEqual(["expiresAt", "oneTime", "scope", "token", "url"]);
    expect(issued.scope).toBe("");
    expect(issued.oneTime).toBe(config.link.oneTime);
    expect(issued.url).toBe(`${config.publicUrl.origin}${config.authPrefix}/link?sesame=${issued.token}`);
    const expiresAt = Date.parse(issued.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + config.link.maxAgeSeconds * 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + config.link.maxAgeSeconds * 1000);
    const checked = await checkToken(tokenDeps(), issued.token, { scope: "" });
    expect(checked).toMatchObject({ ok: true, user: { id: user.id } });
  });

  it("issues for a user named by email, with the lifetime and one-time flag asked for", async () => {
    const user = await createUserViaApi();
    const issued = await issue(user.email.toUpperCase(), { maxAge: 3600, oneTime: false });
    expect(issued.oneTime).toBe(false);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(3590_000);
    expect(await checkToken(tokenDeps(), issued.token, { scope: "" })).toMatchObject({ ok: true, token: { oneTime: false } });
  });

  it("accepts the shortest and longest lifetimes, 60 s and one year", async () => {
    const user = await createUserViaApi();
    for (const maxAge of [60, 31_536_000]) {
      const issued = await issue(user.id, { maxAge });
      const checked = await checkToken(tokenDeps(), issued.token, { scope: "" });
      expect(checked.ok && checked.token.expiresAt - checked.token.issuedAt).toBe(maxAge * 1000);
    }
  });

  it("issues a share link for one path: URL on the public origin, reusable by default, valid only in its scope", async () => {
    const user = await createUserViaApi();
    const issued = await issue(user.id, { scope: "path:/reports/42" });
    expect(issued).toMatchObject({ scope: "path:/reports/42", oneTime: false });
    expect(issued.url).toBe(`${config.publicUrl.origin}/reports/42?sesame=${issued.token}`);
    expect((await checkToken(tokenDeps(), issued.token, { scope: "path:/reports/42" })).ok).toBe(true);
    expect(await checkToken(tokenDeps(), issued.token, { scope: "" })).toMatchObject({ ok: false, reason: "wrong_scope" });
  });

  it("points a share link for a folder (/*) at the folder itself", async () => {
    const user = await createUserViaApi();
    const issued = await issue(user.id, { scope: "path:/reports/*" });
    expect(issued.url).toBe(`${config.publicUrl.origin}/reports?sesame=${issued.token}`);
    const root = await issue(user.id, { scope: "path:/*" });
    expect(root.url).toBe(`${config.publicUrl.origin}/?sesame=${root.token}`);
  });

  it("issues a token of any other scope without a URL", async () => {
    const user = await createUserViaApi();
    const issued = await issue(user.id, { scope: "invite:team-7" });
    expect(issued).toMatchObject({ scope: "invite:team-7", url: null, oneTime: false });
    expect((await checkToken(tokenDeps(), issued.token, { scope: "invite:team-7" })).ok).toBe(true);
  });

  it.each([
    ["api", "api"],
    ["a path without a slash", "path:reports"],
    ["an empty path", "path:"],
    ["a path with ..", "path:/a/../b"],
    ["a path with a /./ segment", "path:/a/./b"],
    ["a path with //", "path:/a//b"],
    ["a percent-escape", "path:/a%2e%2e/b"],
    ["a query", "path:/a?b=1"],
    ["a fragment", "path:/a#b"],
    ["a space", "path:/a b"],
    ["a backslash", "path:/a\\b"],
    ["a non-ASCII path", "path:/café"],
    ["a star in the middle", "path:/a/*/b"],
    ["a star without a slash", "path:/a*"],
    ["201 characters", "s".repeat(201)],
    ["a line break", "login\nx"],
    ["a NUL", "a\u0000b"],
    ["a number", 7],
    ["null", null],
  ])("refuses a scope with %s with 400 naming scope", async (_label, scope) => {
    const user = await createUserViaApi();
    const body = await expectError(await admin("POST", `/users/${user.id}/tokens`, { json: { scope } }), 400, "scope");
    expect(body.error).toBe("invalid_request");
  });

  it("accepts a scope of exactly 200 characters", async () => {
    const user = await createUserViaApi();
    expect((await issue(user.id, { scope: "s".repeat(200) })).scope).toHaveLength(200);
  });

  it.each([59, 31_536_001, 600.5, "600", null, -1, 0])("refuses maxAge %j with 400 naming maxAge", async (maxAge) => {
    const user = await createUserViaApi();
    await expectError(await admin("POST", `/users/${user.id}/tokens`, { json: { maxAge } }), 400, "maxAge");
  });

  it.each([
    ["oneTime as a string", { oneTime: "true" }, "oneTime"],
    ["an unknown field", { max_age: 60 }, "max_age"],
  ])("refuses %s with 400 naming the field", async (_label, json, field) => {
    const user = await createUserViaApi();
    await expectError(await admin("POST", `/users/${user.id}/tokens`, { json }), 400, field);
  });

  it("refuses invalid JSON with 400 field body", async () => {
    const user = await createUserViaApi();
    await expectError(await admin("POST", `/users/${user.id}/tokens`, { raw: "{scope:''}" }), 400, "body");
  });

  it("answers 404 for an unknown user", async () => {
    await expectError(await admin("POST", `/users/${uniqueEmail("ghost")}/tokens`), 404);
    await expectError(await admin("POST", `/users/${crypto.randomUUID()}/tokens`), 404);
  });

  it("refuses to issue for an inactive user with 409 naming user", async () => {
    const user = await createUserViaApi({ active: false });
    await expectError(await admin("POST", `/users/${user.id}/tokens`), 409, "user");
  });
});

describe("revoking all tokens of a user", () => {
  it("kills every outstanding token, and tokens issued afterwards work", async () => {
    const user = await createUserViaApi();
    const login = await issue(user.id);
    const share = await issue(user.id, { scope: "path:/docs/*", maxAge: 86400 });
    const res = await adminOk("POST", `/users/${user.email}/revoke-tokens`, 200);
    expect(res.user).toMatchObject({ id: user.id, email: user.email, active: true });
    expect(await checkToken(tokenDeps(), login.token, { scope: "" })).toMatchObject({ ok: false, reason: "revoked" });
    expect(await checkToken(tokenDeps(), share.token, { scope: "path:/docs/*" })).toMatchObject({ ok: false, reason: "revoked" });
    const fresh = await issue(user.id);
    expect((await checkToken(tokenDeps(), fresh.token, { scope: "" })).ok).toBe(true);
  });

  it("answers 404 for an unknown user and 400 for an unexpected field", async () => {
    await expectError(await admin("POST", `/users/${crypto.randomUUID()}/revoke-tokens`), 404);
    const user = await createUserViaApi();
    await expectError(await admin("POST", `/users/${user.id}/revoke-tokens`, { json: { all: true } }), 400, "all");
  });
});

describe("revoking one token", () => {
  it("revokes a token: checkToken then says revoked, and KV holds its hash for its remaining life", async () => {
    const user = await createUserViaApi();
    const issued = await issue(user.id, { maxAge: 3600 });
    const other = await issue(user.id, { maxAge: 3600 });
    const res = await adminOk("POST", "/tokens/revoke", 200, { json: { token: issued.token } });
    expect(res).toEqual({ revoked: true, expiresAt: issued.expiresAt });
    expect(await checkToken(tokenDeps(), issued.token, { scope: "" })).toMatchObject({ ok: false, reason: "revoked" });
    expect((await checkToken(tokenDeps(), other.token, { scope: "" })).ok).toBe(true);

    const key = revokedTokenKey(await hashToken(issued.token));
    expect(await env.REVOKED.get(key)).not.toBeNull();
    const listed = await env.REVOKED.list({ prefix: key });
    const expiration = listed.keys[0]?.expiration ?? 0;
    expect(Math.abs(expiration - Date.parse(issued.expiresAt) / 1000)).toBeLessThanOrEqual(5);
  });

  it("revokes a share link too", async () => {
    const user = await createUserViaApi();
    const issued = await issue(user.id, { scope: "path:/r/1" });
    await adminOk("POST", "/tokens/revoke", 200, { json: { token: issued.token } });
    expect(await checkToken(tokenDeps(), issued.token, { scope: "path:/r/1" })).toMatchObject({ ok: false, reason: "revoked" });
  });

  it.each([
    ["junk", "not-a-token"],
    ["an empty string", ""],
    ["a number", 12345],
    ["a token over 400 characters", "A".repeat(401)],
  ])("refuses %s with 400 naming token", async (_label, token) => {
    const res = await admin("POST", "/tokens/revoke", { json: { token } });
    await expectError(res, 400, "token");
  });

  it("refuses a missing token with 400 naming token", async () => {
    await expectError(await admin("POST", "/tokens/revoke", { json: {} }), 400, "token");
  });

  it("refuses a forged token without echoing it", async () => {
    const user = await createUserViaApi();
    const { token } = await issue(user.id);
    // Flip a character in the body: the MAC no longer matches.
    const forged = `${token.slice(0, 5)}${token[5] === "A" ? "B" : "A"}${token.slice(6)}`;
    const res = await admin("POST", "/tokens/revoke", { json: { token: forged } });
    const body = await expectError(res, 400, "token");
    expect(JSON.stringify(body)).not.toContain(forged);
  });

  it("refuses an expired token: nothing is written to KV for it", async () => {
    const user = await findUserById(tokenDeps().db, (await createUserViaApi()).id);
    const { token, info } = await issueToken({ ...tokenDeps(), now: Date.now() - 3_600_000 }, user!, { maxAge: 60 });
    await expectError(await admin("POST", "/tokens/revoke", { json: { token } }), 400, "token");
    expect(await env.REVOKED.get(revokedTokenKey(info.hash))).toBeNull();
  });
});
