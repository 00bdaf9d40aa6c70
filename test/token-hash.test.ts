/**
 * The token hash (hashToken: base64url SHA-256 of the token text) is what revocation, the
 * audit log and the service_tokens table key on. The engine never takes it; the token
 * service takes it once per token, and only for a token that gets past the body tag.
 * SHA-256 calls are counted on the real WebCrypto (a spy that calls through).
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkToken, issueToken, type TokenDeps } from "../src/auth/token-service";
import { parseConfig } from "../src/config";
import { createDb } from "../src/db/client";
import { revokedTokenKey } from "../src/kv/keys";
import { recordRevocation } from "../src/kv/revocations";
import { checkLinkToken } from "../src/login/signup-token";
import { decodeBase64url, encodeBase64url, hashToken, hashTokenOnce } from "../src/tokens";
import { createUser } from "../src/users/store";

const db = createDb(env.DB);
const config = parseConfig(env as never);
const depsAt = (now: number): TokenDeps => ({ config, db, kv: env.REVOKED, now });

async function newUser(createdAt: number) {
  const user = await createUser(db, { email: `hash-${crypto.randomUUID()}@example.com` }, createdAt);
  if (!user) throw new Error("could not create the test user");
  return user;
}

/** Counts SHA-256 digests from here on (every other digest goes through too, uncounted by nobody). */
function countDigests(): () => number {
  const spy = vi.spyOn(crypto.subtle, "digest");
  return () => spy.mock.calls.filter(([algorithm]) => algorithm === "SHA-256").length;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the token hash", () => {
  it("comes with every issued token, and is the hash of that token's text", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    for (const scope of ["", "api", "path:/reports/42"]) {
      const { token, info } = await issueToken(depsAt(now), user, { scope, maxAge: 600 });
      expect(info.hash, scope).toBe(await hashToken(token));
    }
  });

  it("comes with a checked token, valid or refused for a reason that names it", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token } = await issueToken(depsAt(now), user, { scope: "api", maxAge: 600 });
    const hash = await hashToken(token);
    expect(await checkToken(depsAt(now + 1), token, { scope: "api" })).toMatchObject({ ok: true, token: { hash } });
    expect(await checkToken(depsAt(now + 1), token, { scope: "" })).toMatchObject({ ok: false, reason: "wrong_scope", token: { hash } });
    expect(await checkToken(depsAt(now + 600_000), token, { scope: "api" })).toMatchObject({
      ok: false,
      reason: "expired",
      token: { hash },
    });
  });

  it("is taken once for a genuine token: the revocation read and the result share it", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token } = await issueToken(depsAt(now), user, { scope: "api", maxAge: 600 });
    const digests = countDigests();
    expect(await checkToken(depsAt(now + 1), token, { scope: "api" })).toMatchObject({ ok: true });
    expect(digests()).toBe(1);
  });

  it("is never taken for a forged or malformed token", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token } = await issueToken(depsAt(now), user, { scope: "api", maxAge: 600 });
    const forged = decodeBase64url(token)!;
    forged[30]! ^= 1; // inside the body tag
    const digests = countDigests();
    expect(await checkToken(depsAt(now + 1), encodeBase64url(forged), { scope: "api" })).toEqual({ ok: false, reason: "bad_signature" });
    expect(await checkToken(depsAt(now + 1), `${token}=`, { scope: "api" })).toEqual({ ok: false, reason: "malformed" });
    expect(digests()).toBe(0);
  });

  it("is taken from the caller when it has it already, for the revocation read too", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token, info } = await issueToken(depsAt(now), user, { scope: "api", maxAge: 600 });
    const tokenHash = hashTokenOnce(token);
    expect(await tokenHash()).toBe(info.hash); // the gate hashes first, for its cache key
    const digests = countDigests();
    expect(await checkToken(depsAt(now + 1), token, { scope: "api", tokenHash })).toMatchObject({ ok: true, token: { hash: info.hash } });
    expect(digests()).toBe(0);

    await recordRevocation(env.REVOKED, revokedTokenKey(info.hash), { expiresAt: info.expiresAt, now });
    expect(await checkToken(depsAt(now + 2), token, { scope: "api", tokenHash })).toMatchObject({
      ok: false,
      reason: "revoked",
      token: { hash: info.hash },
    });
  });

  it("is taken once when a login link is checked: the request lookup, the revocation read and the result share it", async () => {
    const now = Date.now();
    const user = await newUser(now - 60_000);
    const { token, info } = await issueToken(depsAt(now), user);
    const digests = countDigests();
    expect(await checkLinkToken(depsAt(now + 1), token)).toMatchObject({ ok: true, kind: "user", token: { hash: info.hash } });
    expect(digests()).toBe(1);
  });
});
