import { describe, expect, it } from "vitest";
import { createToken, decodeBase64url, encodeBase64url, hashToken, verifyToken } from "../../src/tokens";
import { loaderFor, makeUser, T0, tokenKey } from "./support";

const base = { maxAge: 600, oneTime: true, bindEmail: true, now: T0 };

describe("createToken and verifyToken", () => {
  it("verifies a fresh token, returning the user and what the token says", async () => {
    const key = await tokenKey();
    const user = makeUser();
    const { token, info } = await createToken(user, { ...base, key });
    const result = await verifyToken(token, { keys: [key], scope: "", bindEmail: true, loadUser: loaderFor(user), now: T0 + 1000 });
    expect(result).toEqual({
      ok: true,
      user,
      token: { scope: "", issuedAt: T0, expiresAt: T0 + 600_000, oneTime: true },
    });
    expect(info).toEqual(result.ok && result.token);
  });

  it("fits a login token for a UUID user in 59 URL-safe characters", async () => {
    const { token } = await createToken(makeUser(), { ...base, key: await tokenKey() });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).toHaveLength(59); // 44 bytes: 28 header + 8 body tag + 8 state tag
    expect(decodeBase64url(token)).toHaveLength(44);
  });

  it("mints a different token for every issue time, so no two links are the same", async () => {
    const key = await tokenKey();
    const user = makeUser();
    const a = await createToken(user, { ...base, key, now: T0 });
    const b = await createToken(user, { ...base, key, now: T0 + 1 });
    expect(a.token).not.toBe(b.token);
    expect(await hashToken(a.token)).not.toBe(await hashToken(b.token));
  });

  it("never verifies a token for user A as user B, even when the loader hands back B", async () => {
    const key = await tokenKey();
    const alice = makeUser();
    const bob = makeUser();
    const { token } = await createToken(alice, { ...base, key });
    const wrongLoader = async () => bob;
    const result = await verifyToken(token, { keys: [key], scope: "", bindEmail: true, loadUser: wrongLoader, now: T0 });
    expect(result.ok).toBe(false);
  });

  it("never verifies as user B who shares A's stamp, email and login marker but not A's id", async () => {
    const key = await tokenKey();
    const alice = makeUser();
    const twin = { ...alice, id: crypto.randomUUID() };
    const { token } = await createToken(alice, { ...base, key });
    const result = await verifyToken(token, { keys: [key], scope: "", bindEmail: true, loadUser: async () => twin, now: T0 });
    expect(result).toMatchObject({ ok: false, reason: "unknown_user", userId: alice.id });
  });

  it("refuses a token of one scope in another", async () => {
    const key = await tokenKey();
    const user = makeUser();
    const loadUser = loaderFor(user);
    const login = (await createToken(user, { ...base, key, scope: "" })).token;
    const api = (await createToken(user, { ...base, key, scope: "api", oneTime: false })).token;
    const check = (token: string, scope: string) => verifyToken(token, { keys: [key], scope, bindEmail: true, loadUser, now: T0 });
    expect(await check(login, "api")).toMatchObject({ ok: false, reason: "wrong_scope", userId: user.id });
    expect(await check(api, "")).toMatchObject({ ok: false, reason: "wrong_scope" });
    expect(await check(api, "API")).toMatchObject({ ok: false, reason: "wrong_scope" });
    expect(await check(api, "api")).toMatchObject({ ok: true, token: { scope: "api", oneTime: false } });
  });

  it("accepts a scope predicate, as share links do with paths", async () => {
    const key = await tokenKey();
    const user = makeUser();
    const loadUser = loaderFor(user);
    const { token } = await createToken(user, { ...base, key, scope: "path:/reports/*", oneTime: false });
    const underReports = (scope: string) => scope === "path:/reports/*" || scope === "path:/reports/42";
    const underAdmin = (scope: string) => scope.startsWith("path:/admin");
    const seen: string[] = [];
    const spy = (scope: string) => {
      seen.push(scope);
      return underReports(scope);
    };
    expect(await verifyToken(token, { keys: [key], scope: spy, bindEmail: true, loadUser, now: T0 })).toMatchObject({ ok: true });
    expect(seen).toEqual(["path:/reports/*"]);
    expect(await verifyToken(token, { keys: [key], scope: underAdmin, bindEmail: true, loadUser, now: T0 })).toMatchObject({
      ok: false,
      reason: "wrong_scope",
    });
  });

  it("carries any UTF-8 scope of up to 255 bytes exactly, and refuses longer or ill-formed ones", async () => {
    const key = await tokenKey();
    const user = makeUser();
    for (const scope of ["path:/caf\u00e9/\u{1f600}", "x".repeat(255), "\ufeffapi"]) {
      const { token } = await createToken(user, { ...base, key, scope });
      const result = await verifyToken(token, { keys: [key], scope, bindEmail: true, loadUser: loaderFor(user), now: T0 });
      expect(result, JSON.stringify(scope)).toMatchObject({ ok: true, token: { scope } });
      if (scope.length === 255) expect(token).toHaveLength(399); // the longest token there is
    }
    await expect(createToken(user, { ...base, key, scope: "x".repeat(256) })).rejects.toThrow(TypeError);
    await expect(createToken(user, { ...base, key, scope: "path:/\ud800" })).rejects.toThrow(TypeError);
  });

  it("never lets a scope lose a leading byte-order mark and pass as another scope", async () => {
    const key = await tokenKey();
    const user = makeUser();
    const { token } = await createToken(user, { ...base, key, scope: "\ufeffapi", oneTime: false });
    const result = await verifyToken(token, { keys: [key], scope: "api", bindEmail: true, loadUser: loaderFor(user), now: T0 });
    expect(result).toMatchObject({ ok: false, reason: "wrong_scope" });
  });

  it("refuses programmer errors with a TypeError: a non-UUID id, a bad lifetime", async () => {
    const key = await tokenKey();
    await expect(createToken(makeUser({ id: "42" }), { ...base, key })).rejects.toThrow(TypeError);
    await expect(createToken(makeUser({ id: crypto.randomUUID().toUpperCase() }), { ...base, key })).rejects.toThrow(TypeError);
    for (const maxAge of [0, -1, 1.5, Number.NaN, 2 ** 32]) {
      await expect(createToken(makeUser(), { ...base, key, maxAge }), String(maxAge)).rejects.toThrow(TypeError);
    }
  });
});

describe("length prefixing: fields never shift into each other", () => {
  it("keeps scope 'a' for email 'bc...' apart from scope 'ab' for email 'c...'", async () => {
    const key = await tokenKey();
    const id = crypto.randomUUID();
    const first = makeUser({ id, email: "bc@example.com" });
    const second = { ...first, email: "c@example.com" };
    const t1 = (await createToken(first, { ...base, key, scope: "a" })).token;
    const t2 = (await createToken(second, { ...base, key, scope: "ab" })).token;
    const check = (token: string, scope: string, user: typeof first) =>
      verifyToken(token, { keys: [key], scope, bindEmail: true, loadUser: loaderFor(user), now: T0 });
    expect(await check(t1, "a", first)).toMatchObject({ ok: true });
    expect(await check(t2, "ab", second)).toMatchObject({ ok: true });
    expect((await check(t1, "ab", second)).ok).toBe(false);
    expect((await check(t2, "a", first)).ok).toBe(false);

    // Splice: rewrite t1's scope to "ab", keeping t1's tags. Scope then email, naively
    // concatenated, read "abc@example.com" for both; length-prefixed, they differ.
    const b1 = decodeBase64url(t1)!;
    const forged = new Uint8Array(b1.length + 1);
    forged.set(b1.subarray(0, 28));
    forged[27] = 2;
    forged.set(new TextEncoder().encode("ab"), 28);
    forged.set(b1.subarray(29), 30);
    expect(await check(encodeBase64url(forged), "ab", second)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("keeps the security stamp and the email apart in the state tag", async () => {
    const key = await tokenKey();
    const id = crypto.randomUUID();
    // Concatenated naively, both users' state reads "Semail:xemail:c@d.io".
    const minted = makeUser({ id, securityStamp: "S", email: "xemail:c@d.io" });
    const shifted = { ...minted, securityStamp: "Semail:x", email: "c@d.io" };
    const { token } = await createToken(minted, { ...base, key });
    const check = (user: typeof minted) =>
      verifyToken(token, { keys: [key], scope: "", bindEmail: true, loadUser: loaderFor(user), now: T0 });
    expect(await check(minted)).toMatchObject({ ok: true });
    expect(await check(shifted)).toMatchObject({ ok: false, reason: "bad_signature" });
  });
});
