/** Helpers for the OpenID provider's tests inside workerd: ID token keys as `npm run keys -- --oidc` makes them, and a worker with the provider on. */
import { env } from "cloudflare:workers";
import { encodeBase64url } from "../../src/tokens";
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

/** The worker under test with the provider on (OIDC_SIGNING_KEYS set), `overrides` on top, and `bindings` (a hooked D1) if given. */
export async function oidcWorker(overrides: Record<string, string> = {}, bindings: Partial<Env> = {}): Promise<Fetcher & { env: Env }> {
  return workerWith({ OIDC_SIGNING_KEYS: JSON.stringify(await oidcSigningKeys()), ...overrides }, bindings);
}

export const ISSUER = "http://localhost:8787";
export const REDIRECT_URI = "https://rp.example/callback";
const encoder = new TextEncoder();

/** Calls the admin API of `edge` with the test's ADMIN_TOKEN. */
export function adminOf(edge: Fetcher) {
  return (method: string, path: string, json?: unknown) =>
    edge(`/.sesame/admin/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json", Accept: "application/json" },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
}

export interface RegisteredClient {
  clientId: string;
  clientSecret?: string;
}

/** Registers a client through the admin API (confidential, one redirect URI, unless `fields` say otherwise). */
export async function registerClient(edge: Fetcher, fields: Record<string, unknown> = {}): Promise<RegisteredClient> {
  const res = await adminOf(edge)("POST", "/clients", { name: "Test RP", type: "confidential", redirectUris: [REDIRECT_URI], ...fields });
  const body = (await res.json()) as { client: { clientId: string }; clientSecret?: string };
  if (res.status !== 201) throw new Error(`client registration: ${res.status} ${JSON.stringify(body)}`);
  return { clientId: body.client.clientId, clientSecret: body.clientSecret };
}

/** A PKCE pair (RFC 7636): a random verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = encodeBase64url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(verifier))));
  return { verifier, challenge };
}

/** The authorize path for `clientId` with the usual parameters; `params` override or (undefined) drop them. */
export function authorizePath(clientId: string, params: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  const all: Record<string, string | undefined> = {
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    scope: "openid email",
    state: "state-1",
    nonce: "nonce-1",
    ...params,
  };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) query.set(name, value);
  return `/.sesame/oidc/authorize?${query}`;
}

/** Runs authorize as a signed-in browser and returns the code the redirect carries (failing on anything else). */
export async function codeFor(edge: Fetcher, cookie: string, path: string): Promise<string> {
  const res = await edge(path, { headers: { Cookie: cookie, Accept: "text/html" } });
  const location = res.headers.get("Location");
  if (res.status !== 302 || !location?.startsWith(REDIRECT_URI))
    throw new Error(`expected a code redirect, got ${res.status} ${location ?? (await res.text()).slice(0, 300)}`);
  const code = new URL(location).searchParams.get("code");
  if (!code) throw new Error(`no code in ${location}`);
  return code;
}

/** POSTs a token request (form-encoded), authenticating with HTTP Basic when `basic` is given. */
export function tokenRequest(
  edge: Fetcher,
  form: Record<string, string | undefined>,
  basic?: { id: string; secret: string },
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) if (value !== undefined) body.set(name, value);
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (basic) headers.Authorization = `Basic ${btoa(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`)}`;
  return edge("/.sesame/oidc/token", { method: "POST", headers, body });
}
