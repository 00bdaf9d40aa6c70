/**
 * The identity assertion (docs/gate.md): a short-lived ES256 JWT in the
 * `Sesame-Assertion` header, which origins verify against /.well-known/jwks.json.
 *
 * Costs are kept off the hot path: each signing key is imported once per isolate, and a
 * signed assertion is reused for the same app, principal and sid for at most
 * assertionReuseSeconds(ASSERTION_TTL): a sixth of its life, between 2 and 10 seconds.
 * Within that window requests share one `jti` and `iat`; every assertion still has at least
 * five sixths of ASSERTION_TTL, or all of it but 2 s, left when the origin gets it.
 * docs/gate.md says so to origin authors.
 */

import { SignJWT } from "jose";
import type { CompiledApp } from "../access";
import { setBounded } from "../bounded-cache";
import type { Config } from "../config";
import { ASSERTION_TYPE } from "../origin/read-assertion";
import { encodeBase64url } from "../tokens";
import type { Principal } from "./principal";

const ASSERTION_ALG = "ES256";

/**
 * How long one signed assertion is reused for the same principal: a sixth of its lifetime,
 * at least 2 s (the shortest TTL, 10 s, keeps 8) and at most 10 s (the default TTL, 60 s,
 * keeps 50). A session asking often (a page and its assets) then costs one signature per
 * window instead of one per request (docs/benchmarks.md).
 */
export function assertionReuseSeconds(ttlSeconds: number): number {
  return Math.min(10, Math.max(2, Math.floor(ttlSeconds / 6)));
}
/** Bounds the per-isolate reuse cache; beyond it the oldest entry goes. */
const MAX_CACHED_ASSERTIONS = 5000;

const importedKeys = new WeakMap<JsonWebKey, Promise<CryptoKey>>();
const reuseCaches = new WeakMap<Config, Map<string, { jwt: string; issuedAtMs: number }>>();

/** The first SIGNING_KEYS key as a non-extractable CryptoKey, imported once per isolate. */
function importSigningKey(jwk: JsonWebKey): Promise<CryptoKey> {
  let key = importedKeys.get(jwk);
  if (!key) {
    const { kty, crv, x, y, d } = jwk;
    key = crypto.subtle.importKey("jwk", { kty, crv, x, y, d }, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
    // A failed import must not stick: the next request tries again (and fails loudly again).
    key.catch(() => importedKeys.delete(jwk));
    importedKeys.set(jwk, key);
  }
  return key;
}

/** Signs a fresh assertion for `principal` on `app` (no reuse). `nowMs` is for tests that control the clock. */
export async function signAssertion(config: Config, app: CompiledApp, principal: Principal, nowMs = Date.now()): Promise<string> {
  const jwk = config.secrets.signingKeys[0];
  const kid = jwk.kid;
  const iat = Math.floor(nowMs / 1000);
  const claims: Record<string, string | readonly string[]> = {
    email: principal.email,
    sid: principal.sid,
    amr: principal.amr,
    groups: principal.groups,
  };
  if (principal.scope !== undefined) claims.scope = principal.scope;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ASSERTION_ALG, kid, typ: ASSERTION_TYPE })
    .setIssuer(config.publicUrl.origin)
    .setAudience(app.audience)
    .setSubject(principal.userId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + config.origin.assertionTtlSeconds)
    .setJti(encodeBase64url(crypto.getRandomValues(new Uint8Array(16))))
    .sign(await importSigningKey(jwk));
}

/** The assertion for `principal` on `app`: a recent one for the same app, principal and sid, or a new one. */
export async function assertionFor(config: Config, app: CompiledApp, principal: Principal, nowMs = Date.now()): Promise<string> {
  let cache = reuseCaches.get(config);
  if (!cache) {
    cache = new Map();
    reuseCaches.set(config, cache);
  }
  const key = [
    app.audience,
    principal.amr,
    principal.sid,
    principal.userId,
    principal.email,
    principal.scope ?? "",
    ...principal.groups,
  ].join("\u0000");
  const hit = cache.get(key);
  const reuseMs = assertionReuseSeconds(config.origin.assertionTtlSeconds) * 1000;
  if (hit && nowMs - hit.issuedAtMs >= 0 && nowMs - hit.issuedAtMs < reuseMs) return hit.jwt;
  const jwt = await signAssertion(config, app, principal, nowMs);
  // iat is whole seconds: reuse is measured from the second the claims say, never longer.
  setBounded(cache, key, { jwt, issuedAtMs: Math.floor(nowMs / 1000) * 1000 }, MAX_CACHED_ASSERTIONS);
  return jwt;
}
