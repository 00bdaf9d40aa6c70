import { env } from "cloudflare:workers";
import { createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet, jwtVerify, SignJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getConfig } from "../src/config";
import { assertionReuseSeconds, assertionFor as cachedAssertion, signAssertion } from "../src/gate/assertion";
import { verifyAssertion } from "../src/origin";
import { adminOk, createUserViaApi } from "./admin-client";
import { cookieFrom, echoOf, type Fetcher, gate, newSigningKey, userWithServiceToken, userWithSession, workerWith } from "./gate-support";

const ISSUER = "http://localhost:8787";
const AUDIENCE = new URL(env.ORIGIN_URL).origin;

async function jwksOf(edge: Fetcher = gate): Promise<JSONWebKeySet> {
  const res = await edge("/.well-known/jwks.json");
  expect(res.status).toBe(200);
  return (await res.json()) as JSONWebKeySet;
}

/** The assertion the origin received for a request made with `headers`. */
async function assertionFor(headers: Record<string, string>, edge: Fetcher = gate, path = "/x"): Promise<string> {
  const echo = await echoOf(await edge(path, { headers }));
  expect(echo.headers["sesame-assertion"]).toBeTypeOf("string");
  return echo.headers["sesame-assertion"]!;
}

/** The share cookie a browser gets by opening `path?sesame=token` (share links authorise GET and HEAD only). */
async function shareCookie(path: string, token: string): Promise<string> {
  const res = await gate(`${path}?sesame=${token}`);
  expect(res.status).toBe(303);
  return cookieFrom(res.headers.getSetCookie()[0]!);
}

afterEach(() => vi.restoreAllMocks());

describe("the JWKS", () => {
  it("publishes the public half of every key with kid, alg and use, never d, cacheable for 5 minutes", async () => {
    const res = await gate("/.well-known/jwks.json");
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const text = await res.text();
    const { keys } = JSON.parse(text) as JSONWebKeySet;
    const signing = JSON.parse(env.SIGNING_KEYS)[0];
    expect(keys).toEqual([{ kty: "EC", crv: "P-256", x: signing.x, y: signing.y, kid: "test-key-1", alg: "ES256", use: "sig" }]);
    expect(text).not.toContain('"d"');
    expect(text).not.toContain(signing.d);
  });

  it("is served without any authentication, to browsers and API clients alike", async () => {
    expect((await gate("/.well-known/jwks.json", { headers: { Accept: "text/html" } })).status).toBe(200);
  });
});

describe("the assertion a session gets", () => {
  it("verifies with plain jose against the served JWKS, with the right claims", async () => {
    const { user, sessionId, cookie } = await userWithSession("code");
    const jwt = await assertionFor({ Cookie: cookie });
    const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(await jwksOf()), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ["ES256"],
    });
    expect(protectedHeader).toEqual({ alg: "ES256", kid: "test-key-1", typ: "sesame-assertion+jwt" });
    expect(payload).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: user.id, email: user.email, sid: sessionId, amr: "code" });
    expect(payload.scope).toBeUndefined();
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(assertionReuseSeconds(60) + 2);
    expect(payload.jti).toMatch(/^[\w-]{22}$/);
  });

  it("is refused by a verifier expecting another audience or issuer", async () => {
    const { cookie } = await userWithSession();
    const jwt = await assertionFor({ Cookie: cookie });
    const jwks = createLocalJWKSet(await jwksOf());
    await expect(jwtVerify(jwt, jwks, { issuer: ISSUER, audience: "https://other.example" })).rejects.toMatchObject({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
    });
    await expect(jwtVerify(jwt, jwks, { issuer: "https://evil.example", audience: AUDIENCE })).rejects.toMatchObject({
      code: "ERR_JWT_CLAIM_VALIDATION_FAILED",
    });
  });

  it("expires ASSERTION_TTL seconds after it was issued", async () => {
    const { cookie } = await userWithSession();
    const edge = workerWith({ ASSERTION_TTL: "10" });
    const jwt = await assertionFor({ Cookie: cookie }, edge);
    const jwks = createLocalJWKSet(await jwksOf(edge));
    const { payload } = await jwtVerify(jwt, jwks, { issuer: ISSUER, audience: AUDIENCE });
    expect(payload.exp! - payload.iat!).toBe(10);
    await expect(
      jwtVerify(jwt, jwks, { issuer: ISSUER, audience: AUDIENCE, currentDate: new Date((payload.exp! + 1) * 1000) }),
    ).rejects.toMatchObject({
      code: "ERR_JWT_EXPIRED",
    });
  });

  it("uses ASSERTION_AUDIENCE when it is set", async () => {
    const { cookie } = await userWithSession();
    const edge = workerWith({ ASSERTION_AUDIENCE: "urn:example:intranet" });
    const jwt = await assertionFor({ Cookie: cookie }, edge);
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(await jwksOf(edge)), { issuer: ISSUER, audience: "urn:example:intranet" });
    expect(payload.aud).toBe("urn:example:intranet");
  });

  it("replaces a forged Sesame-Assertion, even one signed under our kid by another key", async () => {
    const { user, cookie } = await userWithSession();
    const attacker = await newSigningKey("test-key-1");
    const forged = await new SignJWT({ email: "boss@example.com", sid: "x", amr: "link" })
      .setProtectedHeader({ alg: "ES256", kid: "test-key-1" })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject("boss")
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(await crypto.subtle.importKey("jwk", attacker, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]));
    const jwks = createLocalJWKSet(await jwksOf());
    await expect(jwtVerify(forged, jwks)).rejects.toMatchObject({ code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED" });

    const jwt = await assertionFor({ Cookie: cookie, "Sesame-Assertion": forged });
    expect(jwt).not.toBe(forged);
    expect((await jwtVerify(jwt, jwks, { issuer: ISSUER, audience: AUDIENCE })).payload.sub).toBe(user.id);
  });

  it("is reused only for the same session, within a few seconds", async () => {
    const a = await userWithSession();
    const b = await userWithSession();
    const first = await assertionFor({ Cookie: a.cookie });
    const again = await assertionFor({ Cookie: a.cookie });
    const other = await assertionFor({ Cookie: b.cookie });
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it("is signed afresh once the reuse window has passed", async () => {
    const config = getConfig(env);
    const app = config.access.apps[0]!;
    const principal = {
      userId: crypto.randomUUID(),
      email: "reuse@example.com",
      sid: crypto.randomUUID(),
      amr: "link" as const,
      groups: [],
    };
    // Whole seconds, as iat: the window counts from the second the claims name.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const first = await cachedAssertion(config, app, principal, now);
    const reuse = assertionReuseSeconds(config.origin.assertionTtlSeconds);
    expect(await cachedAssertion(config, app, principal, now + reuse * 1000 - 1)).toBe(first);
    const fresh = await cachedAssertion(config, app, principal, now + reuse * 1000);
    expect(fresh).not.toBe(first);
    const { payload } = await jwtVerify(fresh, createLocalJWKSet(await jwksOf()), { issuer: ISSUER, audience: AUDIENCE });
    expect(payload.exp! - payload.iat!).toBe(config.origin.assertionTtlSeconds);
  });

  it("is signed afresh within the window when anything it says changes: groups, email, app", async () => {
    const config = getConfig(env);
    const app = config.access.apps[0]!;
    const principal = {
      userId: crypto.randomUUID(),
      email: "claims@example.com",
      sid: crypto.randomUUID(),
      amr: "link" as const,
      groups: ["a"],
    };
    const now = Math.floor(Date.now() / 1000) * 1000;
    const first = await cachedAssertion(config, app, principal, now);
    const claimsOf = async (jwt: string) => (await jwtVerify(jwt, createLocalJWKSet(await jwksOf()), { issuer: ISSUER })).payload;
    const regrouped = await cachedAssertion(config, app, { ...principal, groups: ["a", "admins"] }, now + 1000);
    expect(regrouped).not.toBe(first);
    expect((await claimsOf(regrouped)).groups).toEqual(["a", "admins"]);
    const renamed = await cachedAssertion(config, app, { ...principal, email: "new@example.com" }, now + 1000);
    expect((await claimsOf(renamed)).email).toBe("new@example.com");
    const otherApp = { ...app, audience: "https://other-app.example" };
    expect((await claimsOf(await cachedAssertion(config, otherApp, principal, now + 1000))).aud).toBe("https://other-app.example");
    expect(await cachedAssertion(config, app, principal, now + 1000)).toBe(first);
  });

  it.each([
    [10, 2],
    [12, 2],
    [30, 5],
    [60, 10],
    [3600, 10],
  ])("with ASSERTION_TTL=%i is reused for %i s, so the origin gets five sixths of its life, or all but 2 s", (ttl, reuse) => {
    expect(assertionReuseSeconds(ttl)).toBe(reuse);
    expect(ttl - reuse).toBeGreaterThanOrEqual(Math.min(ttl - 2, Math.ceil((5 * ttl) / 6)));
  });
});

describe("the assertion for other principals", () => {
  it("names a service token by its id, with amr service and scope api", async () => {
    const { user, id, token } = await userWithServiceToken();
    const jwt = await assertionFor({ Authorization: `Bearer ${token}` });
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(await jwksOf()), { issuer: ISSUER, audience: AUDIENCE });
    expect(payload).toMatchObject({ sub: user.id, email: user.email, sid: id, amr: "service", scope: "api" });
  });

  it("names a share link by its hash prefix, with amr share and the path scope", async () => {
    const user = await createUserViaApi();
    const { token } = await adminOk<{ token: string }>("POST", `/users/${user.id}/share-links`, 201, { json: { path: "/reports/*" } });
    const echo = await echoOf(await gate("/reports/9", { headers: { Cookie: await shareCookie("/reports/9", token) } }));
    const { payload } = await jwtVerify(echo.headers["sesame-assertion"]!, createLocalJWKSet(await jwksOf()), {
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    expect(payload).toMatchObject({ sub: user.id, email: user.email, amr: "share", scope: "path:/reports/*" });
    expect(payload.sid).toMatch(/^[\w-]{16}$/);
  });
});

describe("key rotation", () => {
  it("signs with the first key, publishes both, and old assertions verify until the old key is removed", async () => {
    const { cookie } = await userWithSession();
    const old = JSON.parse(env.SIGNING_KEYS)[0];
    const oldJwt = await assertionFor({ Cookie: cookie });

    const fresh = await newSigningKey("test-key-2");
    const rotated = workerWith({ SIGNING_KEYS: JSON.stringify([fresh, old]) });
    const rotatedJwks = await jwksOf(rotated);
    expect(rotatedJwks.keys.map((k) => k.kid)).toEqual(["test-key-2", "test-key-1"]);
    expect(JSON.stringify(rotatedJwks)).not.toContain(fresh.d!);

    const newJwt = await assertionFor({ Cookie: cookie }, rotated);
    expect(decodeProtectedHeader(newJwt).kid).toBe("test-key-2");
    const during = createLocalJWKSet(rotatedJwks);
    await expect(jwtVerify(newJwt, during, { issuer: ISSUER, audience: AUDIENCE })).resolves.toBeTruthy();
    await expect(jwtVerify(oldJwt, during, { issuer: ISSUER, audience: AUDIENCE })).resolves.toBeTruthy();

    const after = createLocalJWKSet(await jwksOf(workerWith({ SIGNING_KEYS: JSON.stringify([fresh]) })));
    await expect(jwtVerify(newJwt, after, { issuer: ISSUER, audience: AUDIENCE })).resolves.toBeTruthy();
    await expect(jwtVerify(oldJwt, after)).rejects.toMatchObject({ code: "ERR_JWKS_NO_MATCHING_KEY" });
  });

  it("imports the signing key once, not per request", async () => {
    const { cookie } = await userWithSession();
    const edge = workerWith({ SIGNING_KEYS: JSON.stringify([await newSigningKey("import-once")]), ASSERTION_TTL: "10" });
    const importKey = vi.spyOn(crypto.subtle, "importKey");
    for (let i = 0; i < 3; i++) {
      const principal = {
        userId: crypto.randomUUID(),
        email: `p${i}@example.com`,
        sid: crypto.randomUUID(),
        amr: "link" as const,
        groups: [],
      };
      const config = getConfig(edge.env);
      await signAssertion(config, config.access.apps[0]!, principal);
    }
    await assertionFor({ Cookie: cookie }, edge);
    const ecdsaImports = importKey.mock.calls.filter(([, , algorithm]) => (algorithm as { name?: string }).name === "ECDSA");
    expect(ecdsaImports).toHaveLength(1);
  });
});

describe("the origin library (sesame-edge/origin)", () => {
  it("accepts what the gate sends for every kind of principal, and refuses the forged header", async () => {
    const jwks = await jwksOf();
    // Strict, as from the next release: what the gate sends carries the assertion type.
    const options = { jwks, issuer: ISSUER, audience: AUDIENCE, acceptLegacyAssertions: false };
    const session = await userWithSession();
    const service = await userWithServiceToken();
    const owner = await createUserViaApi();
    const { token: share } = await adminOk<{ token: string }>("POST", `/users/${owner.id}/share-links`, 201, { json: { path: "/s/1" } });

    const echoes = [
      await echoOf(await gate("/x", { headers: { Cookie: session.cookie, "Sesame-Assertion": "forged" } })),
      await echoOf(await gate("/x", { headers: { Authorization: `Bearer ${service.token}` } })),
      await echoOf(await gate("/s/1", { headers: { Cookie: await shareCookie("/s/1", share) } })),
    ];
    const identities = await Promise.all(
      echoes.map((echo) => verifyAssertion(new Headers(echo.headers as Record<string, string>), options)),
    );
    expect(identities.map((i) => [i.userId, i.amr, i.scope])).toEqual([
      [session.user.id, "link", undefined],
      [service.user.id, "service", "api"],
      [owner.id, "share", "path:/s/1"],
    ]);
    expect(identities[0]!.sessionId).toBe(session.sessionId);
    expect(identities[1]!.sessionId).toBe(service.id);

    await expect(verifyAssertion(new Headers({ "Sesame-Assertion": "forged" }), options)).rejects.toMatchObject({
      code: "invalid_assertion",
    });
  });
});
