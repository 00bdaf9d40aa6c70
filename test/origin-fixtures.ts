/**
 * Fixtures for the origin verifier's tests, in workerd and on Node alike (jose and
 * WebCrypto only): ES256 signing keys, assertions shaped as the gate makes them, and the
 * forgeries an attacker would try.
 */
import { base64url, exportJWK, exportSPKI, generateKeyPair, type JSONWebKeySet, type JWK, SignJWT } from "jose";

export const ISSUER = "http://localhost:8787";
export const AUDIENCE = "http://127.0.0.1:8788";

export interface TestSigner {
  kid: string;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
}

const randomId = (bytes = 9) => base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));

/** A fresh ES256 key pair with a unique `kid`, as one SIGNING_KEYS entry. */
export async function createSigner(kid = `key-${randomId(6)}`): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  return { kid, privateKey, publicKey, publicJwk };
}

/** The JWKS the edge would publish for these keys. */
export function jwksOf(...signers: TestSigner[]): JSONWebKeySet {
  return { keys: signers.map((s) => s.publicJwk) };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Claims as the gate sets them for a browser session; override any, or set one to undefined to drop it. */
export function assertionClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSeconds();
  const claims: Record<string, unknown> = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: `usr_${randomId()}`,
    email: `user-${randomId(4).toLowerCase()}@example.com`,
    sid: `ses_${randomId()}`,
    amr: "link",
    iat,
    exp: iat + 60,
    jti: randomId(16),
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

/** An assertion signed by `signer` the way the gate signs it (ES256, kid, typ sesame-assertion+jwt). */
export function signAssertion(
  signer: TestSigner,
  overrides: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(assertionClaims(overrides))
    .setProtectedHeader({ alg: "ES256", kid: signer.kid, typ: "sesame-assertion+jwt", ...header })
    .sign(signer.privateKey);
}

const encodeJson = (value: unknown) => base64url.encode(new TextEncoder().encode(JSON.stringify(value)));

/** An unsigned token (`alg: none`) naming a known kid. */
export function forgeUnsignedAssertion(kid: string, overrides: Record<string, unknown> = {}): string {
  return `${encodeJson({ alg: "none", kid, typ: "JWT" })}.${encodeJson(assertionClaims(overrides))}.`;
}

/** An HS256 token whose HMAC key is `secret`: the classic confusion where a verifier uses the public key as an HMAC secret. */
export async function forgeHmacAssertion(
  kid: string,
  secret: Uint8Array<ArrayBuffer>,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const input = `${encodeJson({ alg: "HS256", kid, typ: "JWT" })}.${encodeJson(assertionClaims(overrides))}`;
  const key = await crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(input)));
  return `${input}.${base64url.encode(mac)}`;
}

/** Every encoding of the public key a confused verifier might feed to HMAC: JWK JSON, PEM, DER, raw point. */
export async function publicKeyAsSecrets(signer: TestSigner): Promise<Record<string, Uint8Array<ArrayBuffer>>> {
  const pem = await exportSPKI(signer.publicKey);
  const der = new Uint8Array(await crypto.subtle.exportKey("spki", signer.publicKey));
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", signer.publicKey));
  const encoder = new TextEncoder();
  return {
    "the JWK as JSON": encoder.encode(JSON.stringify(signer.publicJwk)),
    "the PEM text": encoder.encode(pem),
    "the SPKI DER bytes": der,
    "the raw EC point": raw,
  };
}
