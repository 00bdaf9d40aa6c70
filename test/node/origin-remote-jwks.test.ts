/**
 * The origin verifier's remote key set over real HTTP: one fetch per URL for many requests,
 * a refetch when a new key id shows up (rotation) but not more often than the cooldown,
 * and jwks_unavailable (503) when the edge's keys cannot be had, recovering when they can.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { JWKS_COOLDOWN_MS, SesameAssertionError, type VerifyAssertionOptions, verifyAssertion } from "../../src/origin/index.ts";
import { AUDIENCE, createSigner, ISSUER, jwksOf, signAssertion, type TestSigner } from "../origin-fixtures.ts";
import { closedPortUrl, type JwksServer, startJwksServer } from "./origin-jwks-server.ts";

const servers: JwksServer[] = [];
let current: TestSigner;
let next: TestSigner;

beforeAll(async () => {
  [current, next] = await Promise.all([createSigner(), createSigner()]);
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

/** A fresh JWKS server (its own URL, so its own cache entry in the verifier) and options for it. */
async function edgeWith(...signers: TestSigner[]): Promise<{ server: JwksServer; options: VerifyAssertionOptions }> {
  const server = await startJwksServer(jwksOf(...signers));
  servers.push(server);
  return { server, options: { jwksUrl: server.url, issuer: ISSUER, audience: AUDIENCE } };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => expect.fail("expected the assertion to be refused"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SesameAssertionError);
  return (error as SesameAssertionError).code;
}

describe("the remote key set", () => {
  it("is fetched once for many verifications, sequential and concurrent", async () => {
    const { server, options } = await edgeWith(current);
    for (let i = 0; i < 5; i += 1) await verifyAssertion(await signAssertion(current), options);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => signAssertion(current)));
    await Promise.all(tokens.map((token) => verifyAssertion(token, options)));
    // A new options object for the same URL shares the cache too: apps pass options per request.
    await verifyAssertion(await signAssertion(current), { ...options, jwksUrl: new URL(server.url) });
    expect(server.fetches()).toBe(1);
  });

  it("picks up a key rotated in after the cooldown, on the first assertion naming it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { server, options } = await edgeWith(current);
    await verifyAssertion(await signAssertion(current), options);
    expect(server.fetches()).toBe(1);

    // The edge publishes the next key and starts signing with it.
    server.serve(jwksOf(next, current));
    vi.setSystemTime(Date.now() + JWKS_COOLDOWN_MS + 1000);
    const identity = await verifyAssertion(await signAssertion(next, { email: "rotated@example.com" }), options);
    expect(identity.email).toBe("rotated@example.com");
    expect(server.fetches()).toBe(2);
    // Assertions signed before the rotation keep verifying while the old key is published.
    await verifyAssertion(await signAssertion(current), options);
    expect(server.fetches()).toBe(2);
  });

  it("refuses unknown key ids within the cooldown without refetching for each", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { server, options } = await edgeWith(current);
    await verifyAssertion(await signAssertion(current), options);
    for (let i = 0; i < 10; i += 1) {
      const stranger = await createSigner();
      expect(await codeOf(verifyAssertion(await signAssertion(stranger), options))).toBe("unknown_key");
    }
    expect(server.fetches()).toBe(1);

    // After the cooldown one refetch happens; a kid still absent is still unknown.
    vi.setSystemTime(Date.now() + JWKS_COOLDOWN_MS + 1000);
    expect(await codeOf(verifyAssertion(await signAssertion(await createSigner()), options))).toBe("unknown_key");
    expect(server.fetches()).toBe(2);
  });

  it("is refetched once it is older than five minutes, dropping keys the edge removed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const { server, options } = await edgeWith(next, current);
    await verifyAssertion(await signAssertion(current), options);
    server.serve(jwksOf(next));
    vi.setSystemTime(Date.now() + 5 * 60_000 + 1000);
    expect(await codeOf(verifyAssertion(await signAssertion(current), options))).toBe("unknown_key");
    await verifyAssertion(await signAssertion(next), options);
    expect(server.fetches()).toBe(2);
  });
});

describe("jwks_unavailable", () => {
  it("when nothing listens at the JWKS URL", async () => {
    const options = { jwksUrl: await closedPortUrl(), issuer: ISSUER, audience: AUDIENCE };
    const token = await signAssertion(current);
    const error = (await verifyAssertion(token, options).catch((e: unknown) => e)) as SesameAssertionError;
    expect(error).toMatchObject({ code: "jwks_unavailable", status: 503 });
    expect(String(error)).not.toContain(token);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("when the JWKS URL answers an error or something that is not a key set", async () => {
    const { server, options } = await edgeWith(current);
    server.fail({ status: 500, body: "{}" });
    expect(await codeOf(verifyAssertion(await signAssertion(current), options))).toBe("jwks_unavailable");
    server.fail({ status: 200, body: "<html>maintenance</html>" });
    expect(await codeOf(verifyAssertion(await signAssertion(current), options))).toBe("jwks_unavailable");
    server.fail({ status: 200, body: '{"keys": "none"}' });
    expect(await codeOf(verifyAssertion(await signAssertion(current), options))).toBe("jwks_unavailable");
  });

  it("recovers on the next request once the key set answers again", async () => {
    const { server, options } = await edgeWith(current);
    server.fail({ status: 503, body: "" });
    expect(await codeOf(verifyAssertion(await signAssertion(current), options))).toBe("jwks_unavailable");
    server.fail(null);
    const identity = await verifyAssertion(await signAssertion(current, { email: "back@example.com" }), options);
    expect(identity.email).toBe("back@example.com");
  });
});
