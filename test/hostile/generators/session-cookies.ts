/**
 * Hostile session cookies: JWTs with flipped bytes in each part, `alg: none`, HS256 under
 * keys an attacker might guess or hold (random, the raw secret, the admin token, the
 * public signing key as an HMAC secret, another secret's session key), ES256 headers and
 * real ES256 signatures, `kid`/`jku`/`jwk` header games, expired and dead sessions,
 * claims of the wrong shape, huge and non-ASCII values, duplicated cookies and cookie-name
 * variants. The JWTs are signed up front (crypto is async); the Cookie headers are built
 * from them with the seeded generator.
 */
import { decodeBase64url, deriveKey, encodeBase64url, hmac } from "../../../src/tokens";
import { ALPHABETS, type Rng } from "./prng";

const encoder = new TextEncoder();
const b64 = (value: unknown) => encodeBase64url(encoder.encode(typeof value === "string" ? value : JSON.stringify(value)));

export interface JwtParts {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** HS256 over header.payload with `key` (raw bytes or text). */
export async function signHs256(parts: JwtParts, key: Uint8Array | string): Promise<string> {
  const raw = typeof key === "string" ? encoder.encode(key) : key;
  const imported = await crypto.subtle.importKey("raw", raw as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const input = `${b64(parts.header)}.${b64(parts.payload)}`;
  return `${input}.${encodeBase64url(new Uint8Array(await crypto.subtle.sign("HMAC", imported, encoder.encode(input))))}`;
}

/** ES256 (raw r||s, as JWS wants it) with a private JWK. */
export async function signEs256(parts: JwtParts, jwk: JsonWebKey): Promise<string> {
  const { kty, crv, x, y, d } = jwk;
  const key = await crypto.subtle.importKey("jwk", { kty, crv, x, y, d }, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  const input = `${b64(parts.header)}.${b64(parts.payload)}`;
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, key, encoder.encode(input));
  return `${input}.${encodeBase64url(new Uint8Array(signature))}`;
}

/**
 * The session JWT key exactly as src/sessions/jwt.ts derives it, for the few inputs that
 * need a genuine signature over claims the edge must still refuse (expired, wrong shape,
 * a dead session). An attacker never has it; a bug in claim checks would still show.
 */
export async function sessionJwtKey(secret: string): Promise<Uint8Array> {
  return hmac(await deriveKey(secret, "session"), encoder.encode("jwt/HS256") as Uint8Array<ArrayBuffer>);
}

export interface CookieMaterial {
  /** Live sessions' JWTs: the only values that may authenticate. */
  valid: string[];
  /** Claims of a live session, to forge around. */
  claims: Record<string, unknown>;
  /** Genuinely signed JWTs (and other credentials) that must fail: expired, revoked, wrong shape, assertions... */
  dead: { name: string; jwt: string }[];
  /** Keys an attacker might try for HS256. */
  guessedKeys: { name: string; key: Uint8Array | string }[];
  /** The edge's own ES256 signing key (its assertion key) and an attacker's. */
  edgeSigningKey: JsonWebKey & { kid?: string };
  attackerKey: JsonWebKey;
}

export interface CookieInput {
  kind: string;
  /** The whole Cookie header. */
  cookie: string;
}

const HEADER_VARIANTS: Record<string, Record<string, unknown>> = {
  "alg-none": { alg: "none", typ: "JWT" },
  "alg-None": { alg: "None", typ: "JWT" },
  "alg-NONE": { alg: "NONE" },
  "alg-empty": { alg: "", typ: "JWT" },
  "alg-hs512": { alg: "HS512", typ: "JWT" },
  "alg-es256": { alg: "ES256", typ: "JWT", kid: "test-key-1" },
  "alg-rs256": { alg: "RS256", typ: "JWT" },
  "no-typ": { alg: "HS256" },
  "typ-jwe": { alg: "HS256", typ: "JWE" },
  "kid-traversal": { alg: "HS256", typ: "JWT", kid: "../../../../dev/null" },
  "kid-sql": { alg: "HS256", typ: "JWT", kid: "' OR '1'='1" },
  "kid-edge": { alg: "HS256", typ: "JWT", kid: "test-key-1" },
  jku: { alg: "HS256", typ: "JWT", jku: "http://127.0.0.1:1/jwks.json" },
  x5u: { alg: "HS256", typ: "JWT", x5u: "http://127.0.0.1:1/cert.pem" },
  crit: { alg: "HS256", typ: "JWT", crit: ["exp"] },
  b64false: { alg: "HS256", typ: "JWT", b64: false, crit: ["b64"] },
};

/** Forged JWTs, signed up front: every kind an attacker can make without the session key. */
export async function forgeJwts(rng: Rng, m: CookieMaterial, count: number): Promise<{ kind: string; jwt: string }[]> {
  const out: { kind: string; jwt: string }[] = [];
  const now = Math.floor(Date.now() / 1000);
  const payload = () => {
    const p: Record<string, unknown> = { ...m.claims };
    // Forgers aim for someone: another user, a longer life, a fresh re-check.
    if (rng.chance(0.3)) p.sub = crypto.randomUUID();
    if (rng.chance(0.3)) p.exp = now + rng.int(1, 10 ** 9);
    if (rng.chance(0.2)) p.rv = Date.now();
    if (rng.chance(0.1)) p.email = "admin@example.com";
    return p;
  };
  const kinds = ["alg-header", "guessed-key", "es256-edge-key", "embedded-jwk", "raw-none", "part-swap"];
  for (let i = 0; i < count; i++) {
    const kind = rng.pick(kinds);
    switch (kind) {
      case "alg-header": {
        const name = rng.pick(Object.keys(HEADER_VARIANTS));
        const header = HEADER_VARIANTS[name]!;
        const jwt = await signHs256({ header, payload: payload() }, rng.pick(m.guessedKeys).key);
        // alg none: no signature, or the original one left in place.
        out.push({
          kind: `header-${name}`,
          jwt: name.startsWith("alg-n") && rng.chance(0.5) ? `${jwt.slice(0, jwt.lastIndexOf(".") + 1)}` : jwt,
        });
        break;
      }
      case "guessed-key": {
        const guess = rng.pick(m.guessedKeys);
        out.push({
          kind: `hs256-${guess.name}`,
          jwt: await signHs256({ header: { alg: "HS256", typ: "JWT" }, payload: payload() }, guess.key),
        });
        break;
      }
      case "es256-edge-key":
        out.push({
          kind: "es256-edge-key",
          jwt: await signEs256(
            { header: { alg: "ES256", typ: "JWT", kid: m.edgeSigningKey.kid ?? "test-key-1" }, payload: payload() },
            m.edgeSigningKey,
          ),
        });
        break;
      case "embedded-jwk": {
        const { kty, crv, x, y } = m.attackerKey;
        out.push({
          kind: "embedded-jwk",
          jwt: await signEs256({ header: { alg: "ES256", typ: "JWT", jwk: { kty, crv, x, y } }, payload: payload() }, m.attackerKey),
        });
        break;
      }
      case "raw-none":
        out.push({ kind: "raw-none", jwt: `${b64({ alg: "none" })}.${b64(payload())}.` });
        break;
      case "part-swap": {
        // A live JWT's header and signature around a payload of the attacker's choosing.
        const [h, , s] = rng.pick(m.valid).split(".");
        out.push({ kind: "part-swap", jwt: `${h}.${b64(payload())}.${s}` });
        break;
      }
    }
  }
  return out;
}

function flipInPart(rng: Rng, jwt: string): { kind: string; jwt: string } {
  const parts = jwt.split(".");
  const index = rng.int(0, parts.length - 1);
  const bytes = decodeBase64url(parts[index]!);
  if (bytes && bytes.length > 0) {
    const at = rng.int(0, bytes.length - 1);
    bytes[at] = bytes[at]! ^ (1 << rng.int(0, 7));
    parts[index] = encodeBase64url(bytes);
  } else {
    parts[index] = `${parts[index]}A`;
  }
  return { kind: `flip-${["header", "payload", "signature"][index] ?? "extra"}`, jwt: parts.join(".") };
}

/** Text-level mutations of a live JWT: structure, encoding, size, characters. */
function mutateText(rng: Rng, jwt: string): { kind: string; jwt: string } {
  const kind = rng.pick([
    "truncate",
    "extend",
    "segments",
    "padding",
    "standard-base64",
    "case",
    "non-ascii",
    "huge",
    "whitespace",
    "percent",
  ]);
  const at = rng.int(0, jwt.length - 1);
  switch (kind) {
    case "truncate":
      return { kind, jwt: jwt.slice(0, at) };
    case "extend":
      return { kind, jwt: jwt + rng.pick([".", "..", "=", rng.string(ALPHABETS.base64url, rng.int(1, 20))]) };
    case "segments":
      return {
        kind,
        jwt: rng.pick([`${jwt}.${jwt.split(".")[1]}`, jwt.split(".").slice(0, 2).join("."), jwt.replace(/\./g, ".."), `${jwt}.x.y`]),
      };
    case "padding":
      return {
        kind,
        jwt: jwt
          .split(".")
          .map((p) => p + "=".repeat((4 - (p.length % 4)) % 4 || 1))
          .join("."),
      };
    case "standard-base64":
      return { kind, jwt: jwt.replace(/-/g, "+").replace(/_/g, "/") + (rng.chance(0.5) ? "==" : "") };
    case "case":
      return {
        kind,
        jwt: jwt.slice(0, at) + (jwt[at] === jwt[at]!.toUpperCase() ? jwt[at]!.toLowerCase() : jwt[at]!.toUpperCase()) + jwt.slice(at + 1),
      };
    case "non-ascii":
      return { kind, jwt: jwt.slice(0, at) + rng.pick(ALPHABETS.unicode) + jwt.slice(at) };
    case "huge":
      return { kind, jwt: rng.chance(0.5) ? jwt + "A".repeat(8192 - jwt.length) : rng.string(ALPHABETS.base64url, 8192) };
    case "whitespace":
      return { kind, jwt: jwt.slice(0, at) + rng.pick([" ", "\t", "\u00a0", "\u200b"]) + jwt.slice(at) };
    default:
      return { kind, jwt: jwt.replace(/[._-]/g, (ch) => `%${ch.charCodeAt(0).toString(16)}`) };
  }
}

/**
 * Cookie headers around a value: our name alone, beside other cookies, duplicated, under
 * look-alike names. `name` is the session cookie's name in the app the header goes to.
 */
export function cookieHeader(rng: Rng, name: string, value: string, valid: readonly string[]): CookieInput {
  const variants = [
    () => ({ kind: "plain", cookie: `${name}=${value}` }),
    () => ({ kind: "among-others", cookie: `theme=dark; ${name}=${value}; _ga=GA1.2.3` }),
    () => ({ kind: "duplicated-bad-first", cookie: `${name}=${value}; ${name}=${rng.pick(valid)}` }),
    () => ({ kind: "duplicated-twice", cookie: `${name}=${value}; ${name}=${value}` }),
    () => ({ kind: "empty-first", cookie: `${name}=; ${name}=${value}` }),
    () => ({
      kind: "spacing",
      cookie: `${rng.pick(["", " ", "  ", "\t"])}${name}${rng.pick(["", " ", "\t"])}=${rng.pick(["", " "])}${value}${rng.pick(["", " ", ";", ";;"])}`,
    }),
    () => ({ kind: "no-separator-space", cookie: `a=b;${name}=${value};c=d` }),
  ];
  return rng.pick(variants)();
}

/** Look-alike names carrying a live JWT: none of them is the session cookie. */
export function lookAlikeCookie(rng: Rng, name: string, jwt: string): CookieInput {
  const others =
    name === "sesame"
      ? ["__Host-sesame", "__Secure-sesame"]
      : ["sesame", "__host-sesame", "__Host-Sesame", "__Secure-sesame", "__Host-sesame-share"];
  const alike = rng.pick([
    ...others,
    name.toUpperCase(),
    `${name[0]!.toUpperCase()}${name.slice(1)}`,
    `${name}_`,
    `${name}.`,
    `${name}-share`,
    `${name}x`,
    `x${name}`,
    `${name}%00`,
    `"${name}"`,
    `${name}[]`,
    encodeURIComponent(`${name}=`).replace(/%3D$/, "%3d"),
  ]);
  return { kind: `name-${alike}`, cookie: `${alike}=${jwt}` };
}

export { flipInPart, mutateText };
