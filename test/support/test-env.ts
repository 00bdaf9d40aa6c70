/**
 * Node side of the test set-up: fresh secrets for every run (no secret is ever committed)
 * and the variables the worker under test sees, on top of wrangler.toml's [vars].
 */
import { webcrypto } from "node:crypto";
import type { TestServers } from "../node/test-servers";

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

export async function testSigningKey(kid: string): Promise<Record<string, unknown>> {
  const pair = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = await webcrypto.subtle.exportKey("jwk", pair.privateKey);
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, kid, alg: "ES256" };
}

export async function testBindings(servers: TestServers): Promise<Record<string, string>> {
  return {
    SESAME_SECRET: b64url(webcrypto.getRandomValues(new Uint8Array(32))),
    SESAME_SECRET_FALLBACKS: "",
    ADMIN_TOKEN: b64url(webcrypto.getRandomValues(new Uint8Array(32))),
    SIGNING_KEYS: JSON.stringify([await testSigningKey("test-key-1")]),
    MAILCHANNELS_API_KEY: "",
    MAILER: "dev",
    ORIGIN_URL: servers.originUrl,
    MAILCHANNELS_API_URL: servers.mailUrl,
  };
}
