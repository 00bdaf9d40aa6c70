/** Helpers for the OpenID provider's tests inside workerd: ID token keys as `npm run keys -- --oidc` makes them, and a worker with the provider on. */
import { type Fetcher, workerWith } from "../gate-support";

type PrivateJwk = JsonWebKey & { kid: string };

/** A fresh private RS256 JWK (RSA 2048). */
export async function newRsaKey(kid: string): Promise<PrivateJwk> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
  const { kty, n, e, d, p, q, dp, dq, qi } = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  return { kty, n, e, d, p, q, dp, dq, qi, kid, alg: "RS256" } as PrivateJwk;
}

/** A fresh private ES256 JWK. */
export async function newEcKey(kid: string): Promise<PrivateJwk> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const { kty, crv, x, y, d } = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  return { kty, crv, x, y, d, kid, alg: "ES256" } as PrivateJwk;
}

let keys: Promise<PrivateJwk[]> | null = null;

/** One RS256 and one ES256 key, made once per test file (RSA key generation is slow). */
export function oidcSigningKeys(): Promise<PrivateJwk[]> {
  keys ??= Promise.all([newRsaKey("oidc-rs-1"), newEcKey("oidc-es-1")]);
  return keys;
}

/** The worker under test with the provider on (OIDC_SIGNING_KEYS set) and `overrides` on top. */
export async function oidcWorker(overrides: Record<string, string> = {}): Promise<Fetcher & { env: Env }> {
  return workerWith({ OIDC_SIGNING_KEYS: JSON.stringify(await oidcSigningKeys()), ...overrides });
}
