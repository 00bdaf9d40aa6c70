/**
 * The session cookie's JWT: HS256 (RFC 7518 section 3.2) through jose, under a key derived
 * from SESAME_SECRET for the "session" purpose, so a session can never pass for a sesame
 * token or a code hash, nor the reverse. Verification accepts the current secret and every
 * fallback, so rotating SESAME_SECRET does not sign everybody out.
 *
 * WebCrypto keys cannot be both non-extractable and re-imported, and jose's HS256 verify
 * needs a key with the "verify" usage, which deriveKey's sign-only keys lack. So the JWT key
 * is one more HMAC step below the session key: HMAC(deriveKey(secret, "session"),
 * "jwt/HS256"), imported once per isolate per secret.
 */
import { errors, jwtVerify, SignJWT } from "jose";
import { setBounded } from "../bounded-cache";
import type { Config } from "../config";
import { deriveKey, hmac } from "../tokens";
import type { SessionClaims } from "./types";

const encoder = new TextEncoder();

/**
 * Longest session JWT worth a MAC: the claims are ~300 characters, plus at most
 * MAX_SESSION_GROUPS_BYTES (2 KB) of group names grown by a third in base64url; the cookie
 * then stays inside the 4 KB browsers keep per cookie.
 */
const MAX_SESSION_JWT_CHARS = 3600;
const jwtKeys = new Map<string, Promise<CryptoKey>>();

function jwtKey(secret: string): Promise<CryptoKey> {
  let key = jwtKeys.get(secret);
  if (!key) {
    key = (async () => {
      const raw = await hmac(await deriveKey(secret, "session"), encoder.encode("jwt/HS256"));
      return crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    })();
    key.catch(() => jwtKeys.delete(secret));
    jwtKeys.set(secret, key);
  }
  return key;
}

/** Signs the claims under the current secret. */
export async function signSessionJwt(config: Config, claims: SessionClaims): Promise<string> {
  const { sid, sub, email, amr, iat, exp, rv, groups, host } = claims;
  return new SignJWT(host === undefined ? { sid, email, amr, rv, grp: groups } : { sid, email, amr, rv, grp: groups, hst: host })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(await jwtKey(config.secrets.sesame[0]));
}

export type JwtCheck = { ok: true; claims: SessionClaims } | { ok: false; reason: "invalid" | "expired" };

/**
 * Cookies this isolate has verified, by their exact text, per Config (so per set of
 * secrets): a browser sends the same cookie with every request until it slides, and the
 * MAC and claim checks of the same bytes give the same answer each time. Only expiry
 * depends on the clock, and it is checked again on every hit. Bounded: ~2,000 cookies of
 * ~600 bytes is about 1 MB (docs/benchmarks.md).
 */
const MAX_VERIFIED_COOKIES = 2048;
const verifiedCookies = new WeakMap<Config, Map<string, SessionClaims>>();

/**
 * Verifies signature (HS256 only: `alg: none` and every other algorithm are refused),
 * expiry at `now` and the shape of every claim. Never throws on untrusted input.
 */
export async function verifySessionJwt(config: Config, jwt: string, now: number): Promise<JwtCheck> {
  // A longer cookie is junk and not worth a MAC.
  if (jwt.length > MAX_SESSION_JWT_CHARS) return { ok: false, reason: "invalid" };
  let verified = verifiedCookies.get(config);
  if (!verified) {
    verified = new Map();
    verifiedCookies.set(config, verified);
  }
  const known = verified.get(jwt);
  // jose's rule: expired once exp <= now, in whole seconds.
  if (known) return known.exp <= Math.floor(now / 1000) ? { ok: false, reason: "expired" } : { ok: true, claims: known };
  const checked = await verifyUncached(config, jwt, now);
  // Frozen: every later request of this cookie shares the object.
  if (checked.ok)
    setBounded(
      verified,
      jwt,
      Object.freeze({ ...checked.claims, groups: Object.freeze([...checked.claims.groups]) }),
      MAX_VERIFIED_COOKIES,
    );
  return checked;
}

async function verifyUncached(config: Config, jwt: string, now: number): Promise<JwtCheck> {
  for (const secret of config.secrets.sesame) {
    try {
      const { payload } = await jwtVerify(jwt, await jwtKey(secret), {
        algorithms: ["HS256"],
        typ: "JWT",
        currentDate: new Date(now),
        requiredClaims: ["sub", "iat", "exp"],
      });
      const claims = toClaims(payload);
      return claims ? { ok: true, claims } : { ok: false, reason: "invalid" };
    } catch (error) {
      // Another secret may have signed it; any other failure is final.
      if (error instanceof errors.JWSSignatureVerificationFailed) continue;
      if (error instanceof errors.JWTExpired) return { ok: false, reason: "expired" };
      return { ok: false, reason: "invalid" };
    }
  }
  return { ok: false, reason: "invalid" };
}

function toClaims(payload: Record<string, unknown>): SessionClaims | null {
  const { sid, sub, email, amr, iat, exp, rv, grp, hst } = payload;
  if (typeof sid !== "string" || sid.length === 0 || sid.length > 64) return null;
  if (typeof sub !== "string" || sub.length === 0 || sub.length > 64) return null;
  if (typeof email !== "string" || email.length === 0) return null;
  if (amr !== "link" && amr !== "code") return null;
  if (!isWhole(iat) || !isWhole(exp) || !isWhole(rv)) return null;
  // A cookie from before groups existed carries none until its next revalidation.
  const groups = grp === undefined ? [] : grp;
  if (!Array.isArray(groups) || !groups.every((g) => typeof g === "string" && g.length > 0 && g.length <= 64)) return null;
  if (hst !== undefined && (typeof hst !== "string" || hst.length === 0 || hst.length > 253)) return null;
  return hst === undefined ? { sid, sub, email, amr, iat, exp, rv, groups } : { sid, sub, email, amr, iat, exp, rv, groups, host: hst };
}

function isWhole(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
