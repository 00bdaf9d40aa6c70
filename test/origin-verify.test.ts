/**
 * The origin verifier inside workerd (where Worker origins run it): every way an assertion
 * can be right or wrong, against key sets given inline. The remote JWKS (fetch, cache,
 * kid-miss refresh, outages) is tested over real HTTP in test/node/origin-remote-jwks.test.ts.
 */
import { createLocalJWKSet } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { SesameAssertionError, type SesameAssertionErrorCode, type VerifyAssertionOptions, verifyAssertion } from "../src/origin/index.ts";
import { MAX_ASSERTION_LENGTH } from "../src/origin/read-assertion.ts";
import {
  AUDIENCE,
  createSigner,
  forgeHmacAssertion,
  forgeUnsignedAssertion,
  ISSUER,
  jwksOf,
  nowSeconds,
  publicKeyAsSecrets,
  signAssertion,
  type TestSigner,
} from "./origin-fixtures.ts";

let signer: TestSigner;
let options: VerifyAssertionOptions;

beforeAll(async () => {
  signer = await createSigner();
  options = { jwks: jwksOf(signer, await createSigner()), issuer: ISSUER, audience: AUDIENCE };
});

/** Expects verification to fail with `code`, and the error not to repeat the token. */
async function expectRefused(input: Parameters<typeof verifyAssertion>[0], code: SesameAssertionErrorCode, opts = options) {
  const error = await verifyAssertion(input, opts).then(
    () => expect.fail(`expected ${code}, but the assertion was accepted`),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SesameAssertionError);
  expect((error as SesameAssertionError).code).toBe(code);
  const token =
    typeof input === "string" ? input : input instanceof Request ? input.headers.get("Sesame-Assertion") : input?.get("Sesame-Assertion");
  if (token) {
    expect(String(error)).not.toContain(token);
    // Not even a recognisable part of it (header, claims or signature).
    for (const part of token.split(".").filter((p) => p.length > 8)) expect(String(error)).not.toContain(part);
  }
  return error as SesameAssertionError;
}

describe("verifyAssertion accepts what the gate sends", () => {
  it("returns the identity from the assertion's claims", async () => {
    const token = await signAssertion(signer, { sub: "usr_alice", email: "alice@example.com", sid: "ses_1", amr: "code" });
    const identity = await verifyAssertion(token, options);
    expect(identity).toMatchObject({ userId: "usr_alice", email: "alice@example.com", sessionId: "ses_1", amr: "code", scope: undefined });
    expect(identity.claims).toMatchObject({ iss: ISSUER, aud: AUDIENCE, sub: "usr_alice" });
    expect(identity.claims.jti).toEqual(expect.any(String));
  });

  it("carries the scope of a service token or share link", async () => {
    const service = await verifyAssertion(await signAssertion(signer, { amr: "service", scope: "api" }), options);
    expect(service).toMatchObject({ amr: "service", scope: "api" });
    const share = await verifyAssertion(await signAssertion(signer, { amr: "share", scope: "path:/reports/42" }), options);
    expect(share).toMatchObject({ amr: "share", scope: "path:/reports/42" });
  });

  it("reads the Sesame-Assertion header from a Request or a Headers object", async () => {
    const token = await signAssertion(signer, { email: "bob@example.com" });
    const request = new Request("https://origin.example/x", { headers: { "Sesame-Assertion": token } });
    expect((await verifyAssertion(request, options)).email).toBe("bob@example.com");
    expect((await verifyAssertion(new Headers({ "sesame-assertion": token }), options)).email).toBe("bob@example.com");
  });

  it("accepts an audience list that includes the assertion's audience", async () => {
    const token = await signAssertion(signer);
    await expect(verifyAssertion(token, { ...options, audience: ["https://new.example", AUDIENCE] })).resolves.toBeTruthy();
  });

  it("accepts a jose key resolver in place of a key set", async () => {
    const token = await signAssertion(signer, { email: "carol@example.com" });
    const identity = await verifyAssertion(token, { ...options, jwks: createLocalJWKSet(jwksOf(signer)) });
    expect(identity.email).toBe("carol@example.com");
  });
});

describe("verifyAssertion checks time with a small leeway", () => {
  it("accepts an assertion that expired within the default 5 s clock tolerance", async () => {
    const now = nowSeconds();
    await expect(verifyAssertion(await signAssertion(signer, { iat: now - 62, exp: now - 2 }), options)).resolves.toBeTruthy();
  });

  it("refuses an assertion expired beyond the tolerance as expired", async () => {
    const now = nowSeconds();
    await expectRefused(await signAssertion(signer, { iat: now - 70, exp: now - 10 }), "expired");
  });

  it("honours a larger clockTolerance", async () => {
    const now = nowSeconds();
    const token = await signAssertion(signer, { iat: now - 70, exp: now - 10 });
    await expect(verifyAssertion(token, { ...options, clockTolerance: 30 })).resolves.toBeTruthy();
  });

  it("refuses an assertion older than maxTokenAge as expired, even before exp", async () => {
    const now = nowSeconds();
    const token = await signAssertion(signer, { iat: now - 40, exp: now + 20 });
    await expect(verifyAssertion(token, options)).resolves.toBeTruthy();
    await expectRefused(token, "expired", { ...options, maxTokenAge: 10 });
  });

  it("refuses an assertion issued in the future", async () => {
    const now = nowSeconds();
    await expectRefused(await signAssertion(signer, { iat: now + 60, exp: now + 120 }), "invalid_assertion");
  });
});

describe("verifyAssertion refuses assertions meant for someone else", () => {
  it("refuses another audience", async () => {
    await expectRefused(await signAssertion(signer, { aud: "https://other-origin.example" }), "wrong_audience");
  });

  it("refuses another issuer", async () => {
    await expectRefused(await signAssertion(signer, { iss: "https://other-edge.example" }), "wrong_issuer");
  });

  it("refuses a key id the key set does not have", async () => {
    const stranger = await createSigner();
    await expectRefused(await signAssertion(stranger), "unknown_key");
  });

  it("refuses an assertion without a key id", async () => {
    await expectRefused(await signAssertion(signer, {}, { kid: undefined }), "invalid_assertion");
  });

  it("refuses a signature by another key under a known key id", async () => {
    const impostor = await createSigner(signer.kid);
    await expectRefused(await signAssertion(impostor), "invalid_assertion");
  });
});

describe("verifyAssertion requires the assertion type, accepting the old one for one release", () => {
  it('accepts the header typ "sesame-assertion+jwt" the gate signs with', async () => {
    const token = await signAssertion(signer, {}, { typ: "sesame-assertion+jwt" });
    await expect(verifyAssertion(token, { ...options, acceptLegacyAssertions: false })).resolves.toBeTruthy();
  });

  it('accepts the old typ "JWT" by default, and refuses it when acceptLegacyAssertions is false', async () => {
    const legacy = await signAssertion(signer, {}, { typ: "JWT" });
    await expect(verifyAssertion(legacy, options)).resolves.toBeTruthy();
    const error = await expectRefused(legacy, "invalid_assertion", { ...options, acceptLegacyAssertions: false });
    expect(error.message).toContain('"typ"');
  });

  it.each([["at+jwt"], ["sesame-assertion"], [undefined]])("refuses any other typ (%s) whatever the options", async (typ) => {
    const token = await signAssertion(signer, {}, { typ });
    expect((await expectRefused(token, "invalid_assertion")).message).toContain('"typ"');
  });

  it("refuses an ID-token-shaped JWT signed by a published key with the assertion's own claims", async () => {
    // The worst case: same key set, issuer and audience, and every claim an assertion has.
    const idToken = await signAssertion(signer, { nonce: "n-1", auth_time: nowSeconds() }, { typ: "JWT" });
    expect((await expectRefused(idToken, "invalid_assertion", { ...options, acceptLegacyAssertions: false })).message).toContain('"typ"');
  });
});

describe("verifyAssertion refuses forgeries", () => {
  it("refuses an unsigned token (alg none)", async () => {
    await expectRefused(forgeUnsignedAssertion(signer.kid), "invalid_assertion");
  });

  it("refuses HS256 tokens keyed with the public key, in every encoding", async () => {
    for (const [name, secret] of Object.entries(await publicKeyAsSecrets(signer))) {
      const error = await expectRefused(await forgeHmacAssertion(signer.kid, secret), "invalid_assertion");
      expect(error.message, name).toMatch(/ES256/);
    }
  });

  it("refuses a tampered claim set", async () => {
    const [header, , signature] = (await signAssertion(signer, { email: "eve@example.com" })).split(".");
    const [, payload] = (await signAssertion(signer, { email: "admin@example.com" })).split(".");
    await expectRefused(`${header}.${payload}.${signature}`, "invalid_assertion");
  });

  it("refuses garbage", async () => {
    await expectRefused("not-a-jwt", "invalid_assertion");
    await expectRefused("a.b.c", "invalid_assertion");
  });

  it("refuses a genuine assertion longer than 8,192 characters before verifying it, and accepts one just under", async () => {
    const padded = (chars: number) => signAssertion(signer, { padding: "x".repeat(chars) });
    const under = await padded(5_700);
    const over = await padded(5_900);
    expect(under.length).toBeLessThanOrEqual(MAX_ASSERTION_LENGTH);
    expect(over.length).toBeGreaterThan(MAX_ASSERTION_LENGTH);
    await expect(verifyAssertion(under, options)).resolves.toMatchObject({ email: expect.any(String) });
    await expectRefused(over, "invalid_assertion");
  });

  for (const claim of ["sub", "email", "sid", "amr", "jti", "iat", "exp", "iss", "aud"]) {
    it(`refuses a signed assertion without "${claim}"`, async () => {
      await expectRefused(await signAssertion(signer, { [claim]: undefined }), "invalid_assertion");
    });
  }

  it("refuses an amr outside link, code, service, share", async () => {
    await expectRefused(await signAssertion(signer, { amr: "password" }), "invalid_assertion");
  });

  it("refuses claims of the wrong type", async () => {
    await expectRefused(await signAssertion(signer, { email: ["a@example.com"] }), "invalid_assertion");
    await expectRefused(await signAssertion(signer, { sub: 42 }), "invalid_assertion");
    await expectRefused(await signAssertion(signer, { scope: { path: "/" } }), "invalid_assertion");
    await expectRefused(await signAssertion(signer, { exp: "tomorrow" }), "invalid_assertion");
  });
});

describe("verifyAssertion never trusts the convenience headers", () => {
  it("refuses a request with no assertion as missing_assertion", async () => {
    await expectRefused(new Request("https://origin.example/"), "missing_assertion");
    await expectRefused(new Headers({ "Sesame-Assertion": "  " }), "missing_assertion");
    await expectRefused(undefined, "missing_assertion");
  });

  it("refuses Sesame-User-* headers forged by a client that bypassed the gate", async () => {
    const forged = { "Sesame-User-Id": "usr_admin", "Sesame-User-Email": "admin@example.com" };
    await expectRefused(new Request("https://origin.example/", { headers: forged }), "missing_assertion");
    await expectRefused(
      new Request("https://origin.example/", { headers: { ...forged, "Sesame-Assertion": "forged" } }),
      "invalid_assertion",
    );
  });

  it("returns the assertion's identity, not the one the convenience headers claim", async () => {
    const token = await signAssertion(signer, { sub: "usr_bob", email: "bob@example.com" });
    const headers = { "Sesame-Assertion": token, "Sesame-User-Id": "usr_admin", "Sesame-User-Email": "admin@example.com" };
    const identity = await verifyAssertion(new Request("https://origin.example/", { headers }), options);
    expect(identity).toMatchObject({ userId: "usr_bob", email: "bob@example.com" });
  });
});

describe("verifyAssertion's key source", () => {
  it("reports a key resolver that fails as jwks_unavailable, with the cause kept", async () => {
    const failing = async () => {
      throw new TypeError("fetch failed");
    };
    const error = await expectRefused(await signAssertion(signer), "jwks_unavailable", { ...options, jwks: failing });
    expect(error.status).toBe(503);
    expect((error.cause as Error).message).toBe("fetch failed");
  });

  it("reports a JWKS URL that answers something else than a key set as jwks_unavailable", async () => {
    // The echo origin the test run starts answers JSON, but not a key set.
    const { env } = await import("cloudflare:workers");
    const jwksUrl = new URL("/.well-known/jwks.json", env.ORIGIN_URL);
    await expectRefused(await signAssertion(signer), "jwks_unavailable", { ...options, jwks: undefined, jwksUrl });
  });
});

describe("verifyAssertion's options are checked as programmer errors", () => {
  const token = "x.y.z";
  it.each([
    ["no key source", { issuer: ISSUER, audience: AUDIENCE }],
    ["both key sources", { issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] }, jwksUrl: "https://edge.example/.well-known/jwks.json" }],
    ["a JWKS URL that is not http(s)", { issuer: ISSUER, audience: AUDIENCE, jwksUrl: "file:///etc/jwks.json" }],
    ["a key set that is not one", { issuer: ISSUER, audience: AUDIENCE, jwks: { keys: "none" } }],
    ["an issuer with a trailing slash", { issuer: `${ISSUER}/`, audience: AUDIENCE, jwks: { keys: [] } }],
    ["an issuer with a path", { issuer: `${ISSUER}/auth`, audience: AUDIENCE, jwks: { keys: [] } }],
    ["an empty audience", { issuer: ISSUER, audience: "", jwks: { keys: [] } }],
    ["a negative clock tolerance", { issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] }, clockTolerance: -1 }],
    ["a max token age that is not seconds", { issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] }, maxTokenAge: "2 fortnights" }],
    ["a legacy switch that is not a boolean", { issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] }, acceptLegacyAssertions: "no" }],
  ])("throws TypeError for %s", async (_name, bad) => {
    await expect(verifyAssertion(token, bad as unknown as VerifyAssertionOptions)).rejects.toThrow(TypeError);
  });
});
