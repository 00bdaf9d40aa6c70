import { describe, expect, it } from "vitest";
import { createToken, type TokenSubject, verifyToken } from "../../src/tokens";
import { loaderFor, makeUser, T0, tokenKey } from "./support";

async function mint(user: TokenSubject, options: { oneTime?: boolean; bindEmail?: boolean; maxAge?: number; scope?: string } = {}) {
  const key = await tokenKey();
  const { token } = await createToken(user, {
    key,
    maxAge: options.maxAge ?? 600,
    oneTime: options.oneTime ?? true,
    bindEmail: options.bindEmail ?? true,
    scope: options.scope,
    now: T0,
  });
  /** Verifies as the user looks now (pass the changed user), at `now`. */
  const check = (now: number, current: TokenSubject = user, extra: { maxAge?: number; bindEmail?: boolean } = {}) =>
    verifyToken(token, {
      keys: [key],
      scope: options.scope ?? "",
      bindEmail: extra.bindEmail ?? options.bindEmail ?? true,
      maxAge: extra.maxAge,
      loadUser: loaderFor(current),
      now,
    });
  return { key, token, check };
}

describe("expiry", () => {
  it("is valid up to the last millisecond of its lifetime and expired from then on", async () => {
    const { check } = await mint(makeUser(), { maxAge: 600 });
    expect(await check(T0)).toMatchObject({ ok: true });
    expect(await check(T0 + 600_000 - 1)).toMatchObject({ ok: true });
    expect(await check(T0 + 600_000)).toMatchObject({ ok: false, reason: "expired", token: { expiresAt: T0 + 600_000 } });
    expect(await check(T0 + 86_400_000)).toMatchObject({ ok: false, reason: "expired" });
  });

  it("expires earlier when the verifier asks for a stricter maxAge, on the same boundary", async () => {
    const { check } = await mint(makeUser(), { maxAge: 600 });
    expect(await check(T0 + 60_000 - 1, undefined, { maxAge: 60 })).toMatchObject({ ok: true });
    expect(await check(T0 + 60_000, undefined, { maxAge: 60 })).toMatchObject({ ok: false, reason: "expired" });
    expect(await check(T0 + 300_000, undefined, { maxAge: 60 })).toMatchObject({ ok: false, reason: "expired" });
  });

  it("never lets a looser maxAge stretch a token past its own lifetime", async () => {
    const { check } = await mint(makeUser(), { maxAge: 60 });
    expect(await check(T0 + 60_000, undefined, { maxAge: 3600 })).toMatchObject({ ok: false, reason: "expired" });
  });

  it("reports the user and the token with an expired failure, for the audit log", async () => {
    const user = makeUser();
    const { check } = await mint(user, { maxAge: 60 });
    const result = await check(T0 + 61_000);
    expect(result).toMatchObject({ ok: false, reason: "expired", userId: user.id, token: { issuedAt: T0 } });
  });
});

describe("revocation by the user's state", () => {
  it("kills the token when the email changes, with email binding on", async () => {
    const user = makeUser();
    const { check } = await mint(user, { bindEmail: true });
    const moved = { ...user, email: "new-address@example.com", stateChangedAt: T0 + 1000 };
    expect(await check(T0 + 2000, moved)).toMatchObject({ ok: false, reason: "revoked", userId: user.id });
  });

  it("keeps the token valid across an email change with email binding off", async () => {
    const user = makeUser();
    const { check } = await mint(user, { bindEmail: false });
    const moved = { ...user, email: "new-address@example.com" };
    expect(await check(T0 + 2000, moved)).toMatchObject({ ok: true, user: { email: "new-address@example.com" } });
  });

  it("does not accept a token bound to the email under a verifier that does not bind it, or the reverse", async () => {
    const user = makeUser();
    const bound = await mint(user, { bindEmail: true });
    const unbound = await mint(user, { bindEmail: false });
    expect((await bound.check(T0, user, { bindEmail: false })).ok).toBe(false);
    expect((await unbound.check(T0, user, { bindEmail: true })).ok).toBe(false);
  });

  it("kills the token when the security stamp changes (revoke all), and says revoked", async () => {
    const user = makeUser();
    const { check } = await mint(user, { oneTime: false, scope: "api" });
    const rotated = { ...user, securityStamp: "a-new-stamp", stateChangedAt: T0 + 1000 };
    expect(await check(T0 + 2000, rotated)).toMatchObject({ ok: false, reason: "revoked" });
  });

  it("calls a state mismatch bad_signature when the user's state has not moved since issue", async () => {
    const user = makeUser();
    const { check } = await mint(user);
    const tampered = { ...user, securityStamp: "not-the-stamp-it-was-signed-over" };
    expect(await check(T0 + 2000, tampered)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("kills a one-time token at the user's next login, and says used", async () => {
    const user = makeUser({ lastLoginAt: T0 - 3_600_000 });
    const { check } = await mint(user, { oneTime: true });
    expect(await check(T0 + 1000)).toMatchObject({ ok: true });
    const loggedIn = { ...user, lastLoginAt: T0 + 1000 };
    expect(await check(T0 + 2000, loggedIn)).toMatchObject({ ok: false, reason: "used", userId: user.id });
  });

  it("kills a one-time token minted before the user's first login", async () => {
    const user = makeUser({ lastLoginAt: null });
    const { check } = await mint(user, { oneTime: true });
    expect(await check(T0 + 2000, { ...user, lastLoginAt: T0 + 1000 })).toMatchObject({ ok: false, reason: "used" });
  });

  it("keeps a reusable token valid across logins", async () => {
    const user = makeUser({ lastLoginAt: T0 - 3_600_000 });
    const { check } = await mint(user, { oneTime: false, scope: "path:/reports/42" });
    expect(await check(T0 + 2000, { ...user, lastLoginAt: T0 + 1000 })).toMatchObject({ ok: true });
  });

  it("refuses an inactive user", async () => {
    const user = makeUser();
    const { check } = await mint(user);
    expect(await check(T0, { ...user, isActive: false })).toMatchObject({ ok: false, reason: "inactive_user", userId: user.id });
  });

  it("refuses a user who no longer exists", async () => {
    const user = makeUser();
    const { key, token } = await mint(user);
    const result = await verifyToken(token, { keys: [key], scope: "", bindEmail: true, loadUser: loaderFor(), now: T0 });
    expect(result).toMatchObject({ ok: false, reason: "unknown_user", userId: user.id });
  });
});
