/**
 * OIDC_SIGNING_KEYS (docs/keys.md, "ID token keys"): the keys that sign OpenID Connect ID
 * tokens, never the gate's SIGNING_KEYS, so the two roles cannot be confused. A JSON array of
 * private JWKs: RSA (RS256, the algorithm every provider must offer) and EC P-256 (ES256, for
 * clients that ask for it). The first key of each algorithm signs; all are published.
 *
 * Parsing runs in config.ts, once per isolate; importing a key happens once per isolate too.
 */
import { importJWK } from "jose";

export type IdTokenAlg = "RS256" | "ES256";
export const ID_TOKEN_ALGS: readonly IdTokenAlg[] = ["RS256", "ES256"];

export interface OidcSigningKey {
  kid: string;
  alg: IdTokenAlg;
  /** The private JWK as configured. */
  jwk: JsonWebKey & { kid: string };
}

/** RFC 7518 section 3.3: RSA keys of at least 2048 bits. */
const MIN_RSA_BITS = 2048;
const RSA_MEMBERS = ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const;
const EC_MEMBERS = ["x", "y", "d"] as const;

/** The algorithm of one configured key, or a reason it is refused. */
function algOf(key: Record<string, unknown>): IdTokenAlg | string {
  const strings = (names: readonly string[]) => names.every((n) => typeof key[n] === "string" && key[n] !== "");
  if (key.kty === "RSA") {
    if (!strings(RSA_MEMBERS)) return `must be a private RSA JWK (${RSA_MEMBERS.join(", ")})`;
    // base64url: 4 characters per 3 bytes, so a 2048-bit modulus has at least 342 characters.
    if ((key.n as string).length < Math.ceil((MIN_RSA_BITS / 8) * (4 / 3))) return `must be an RSA key of at least ${MIN_RSA_BITS} bits`;
    if (key.alg !== undefined && key.alg !== "RS256") return "is an RSA key: its alg must be RS256";
    return "RS256";
  }
  if (key.kty === "EC") {
    if (key.crv !== "P-256" || !strings(EC_MEMBERS)) return "must be a private EC P-256 JWK (x, y, d)";
    if (key.alg !== undefined && key.alg !== "ES256") return "is an EC P-256 key: its alg must be ES256";
    return "ES256";
  }
  return "must be a private RSA (RS256) or EC P-256 (ES256) JWK";
}

/**
 * Parses OIDC_SIGNING_KEYS. Empty: the provider is off (null). Otherwise at least one RS256
 * key, unique kids, none shared with SIGNING_KEYS (both sets are published in one JWKS).
 */
export function parseOidcSigningKeys(raw: string, gateKids: ReadonlySet<string>, problems: string[]): OidcSigningKey[] | null {
  if (!raw) return null;
  let keys: unknown;
  try {
    keys = JSON.parse(raw);
  } catch {
    problems.push("OIDC_SIGNING_KEYS is not valid JSON");
    return null;
  }
  if (!Array.isArray(keys) || keys.length === 0) {
    problems.push(
      "OIDC_SIGNING_KEYS must be a non-empty JSON array of private JWKs (npm run keys -- --oidc makes one), or empty to turn the OpenID provider off",
    );
    return null;
  }
  const parsed: OidcSigningKey[] = [];
  const kids = new Set<string>();
  keys.forEach((key: unknown, i) => {
    if (!key || typeof key !== "object" || Array.isArray(key)) {
      problems.push(`OIDC_SIGNING_KEYS[${i}] must be a private JWK object`);
      return;
    }
    const record = key as Record<string, unknown>;
    const alg = algOf(record);
    if (alg !== "RS256" && alg !== "ES256") problems.push(`OIDC_SIGNING_KEYS[${i}] ${alg}`);
    else if (typeof record.kid !== "string" || record.kid === "") problems.push(`OIDC_SIGNING_KEYS[${i}] needs a kid`);
    else if (kids.has(record.kid)) problems.push(`OIDC_SIGNING_KEYS[${i}] repeats kid ${JSON.stringify(record.kid)}`);
    else if (gateKids.has(record.kid))
      problems.push(`OIDC_SIGNING_KEYS[${i}] uses kid ${JSON.stringify(record.kid)} of SIGNING_KEYS: give it its own`);
    else {
      kids.add(record.kid);
      parsed.push({ kid: record.kid, alg, jwk: record as unknown as JsonWebKey & { kid: string } });
    }
  });
  if (parsed.length === keys.length && !parsed.some((k) => k.alg === "RS256")) {
    problems.push("OIDC_SIGNING_KEYS needs an RS256 (RSA) key: every OpenID provider must offer RS256");
  }
  return parsed;
}

/** The public half of an ID token key, from an allow-list of members, so `d` and the primes never leak. */
export function publicOidcJwk(key: OidcSigningKey): Record<string, string> {
  const { jwk } = key;
  const common = { kid: key.kid, alg: key.alg, use: "sig" };
  if (key.alg === "RS256") return { kty: "RSA", n: jwk.n as string, e: jwk.e as string, ...common };
  return { kty: "EC", crv: "P-256", x: jwk.x as string, y: jwk.y as string, ...common };
}

/** The key that signs for `alg`: the first of that algorithm, or null when none is configured. */
export function signerFor(keys: readonly OidcSigningKey[], alg: IdTokenAlg): OidcSigningKey | null {
  return keys.find((k) => k.alg === alg) ?? null;
}

const imported = new WeakMap<OidcSigningKey, Promise<CryptoKey>>();

/** The private key as a non-extractable CryptoKey, imported once per isolate. */
export function importOidcSigningKey(key: OidcSigningKey): Promise<CryptoKey> {
  let cryptoKey = imported.get(key);
  if (!cryptoKey) {
    const { kid: _kid, alg: _alg, use: _use, key_ops: _ops, ...material } = key.jwk as unknown as Record<string, unknown>;
    cryptoKey = importJWK({ ...material, alg: key.alg }, key.alg, { extractable: false }) as Promise<CryptoKey>;
    // A failed import must not stick: the next request tries again (and fails loudly again).
    cryptoKey.catch(() => imported.delete(key));
    imported.set(key, cryptoKey);
  }
  return cryptoKey;
}
