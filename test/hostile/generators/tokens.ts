/**
 * Hostile sesame tokens: mutations of valid tokens (bit flips, truncation, extension,
 * padding and standard base64, case changes, non-canonical tails, another user's bytes
 * spliced in, header and scope bytes changed), genuine tokens used where they do not
 * belong (other scope, expired, another secret, used, revoked), random strings of every
 * alphabet, huge, non-ASCII, NUL and percent-encoded text.
 */
import { decodeBase64url, encodeBase64url } from "../../../src/tokens";
import { HEADER_BYTES } from "../../../src/tokens/format";
import { ALPHABETS, type Rng } from "./prng";

export interface TokenMaterial {
  /** Valid tokens the mutations start from (a login link, a service token, a share link...). */
  bases: string[];
  /** Genuine tokens that must fail wherever the surface uses them. */
  wrongKind: { name: string; token: string }[];
  /** Valid tokens of other users, whose bytes get spliced into a base. */
  others: string[];
}

export interface TokenInput {
  kind: string;
  token: string;
}

type Mutation = (rng: Rng, base: string, material: TokenMaterial) => string;

const bytesOf = (token: string) => decodeBase64url(token)!;

function withBytes(base: string, change: (bytes: Uint8Array) => void): string {
  const bytes = bytesOf(base).slice();
  change(bytes);
  return encodeBase64url(bytes);
}

function toggleCase(ch: string): string {
  return ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase();
}

/** Standard base64 with padding: the same bytes in the encoding we must refuse. */
function standardBase64(base: string): string {
  const padded = base.replace(/-/g, "+").replace(/_/g, "/");
  return padded + "=".repeat((4 - (padded.length % 4)) % 4);
}

const MUTATIONS: Record<string, Mutation> = {
  "bit-flip": (rng, base) =>
    withBytes(base, (b) => {
      const i = rng.int(0, b.length - 1);
      b[i] = b[i]! ^ (1 << rng.int(0, 7));
    }),
  "bit-flips": (rng, base) =>
    withBytes(base, (b) => {
      for (let n = rng.int(2, 8); n > 0; n--) {
        const i = rng.int(0, b.length - 1);
        b[i] = b[i]! ^ (1 << rng.int(0, 7));
      }
    }),
  "tag-flip": (rng, base) =>
    withBytes(base, (b) => {
      const i = rng.int(b.length - 16, b.length - 1);
      b[i] = b[i]! ^ (1 << rng.int(0, 7));
    }),
  truncate: (rng, base) => base.slice(0, rng.int(0, base.length - 1)),
  "truncate-bytes": (rng, base) => {
    const b = bytesOf(base);
    return encodeBase64url(b.slice(0, rng.int(0, b.length - 1)));
  },
  extend: (rng, base) => base + rng.string(ALPHABETS.base64url, rng.int(1, 12)),
  "extend-bytes": (rng, base) => encodeBase64url(new Uint8Array([...bytesOf(base), ...rng.bytes(rng.int(1, 8))])),
  padding: (rng, base) => base + "=".repeat(rng.int(1, 3)),
  "standard-base64": (_rng, base) => standardBase64(base),
  "case-one": (rng, base) => {
    const i = rng.int(0, base.length - 1);
    return base.slice(0, i) + toggleCase(base[i]!) + base.slice(i + 1);
  },
  "case-all": (rng, base) => (rng.chance(0.5) ? base.toUpperCase() : base.toLowerCase()),
  // The last character carries unused low bits: changing them keeps the bytes, not the text.
  "non-canonical-tail": (rng, base) => {
    const last = ALPHABETS.base64url.indexOf(base[base.length - 1]!);
    return base.slice(0, -1) + ALPHABETS.base64url[(last & ~3) | rng.int(1, 3)]!;
  },
  "splice-user": (rng, base, m) => withBytes(base, (b) => b.set(bytesOf(rng.pick(m.others)).subarray(1, 17), 1)),
  "splice-tags": (rng, base, m) =>
    withBytes(base, (b) => {
      const other = bytesOf(rng.pick(m.others));
      b.set(other.subarray(other.length - 16).subarray(0, Math.min(16, b.length)), b.length - 16);
    }),
  "splice-halves": (rng, base, m) => {
    const other = rng.pick(m.others);
    const cut = rng.int(1, Math.min(base.length, other.length) - 1);
    return base.slice(0, cut) + other.slice(cut);
  },
  "version-byte": (rng, base) => withBytes(base, (b) => (b[0] = rng.int(0, 255))),
  "one-time-flag": (_rng, base) => withBytes(base, (b) => (b[0] = b[0]! ^ 1)),
  "issued-at": (rng, base) => withBytes(base, (b) => (b[rng.int(17, 22)] = rng.int(0, 255))),
  lifetime: (rng, base) => withBytes(base, (b) => b.set([0xff, 0xff, 0xff, rng.int(0, 255)], 23)),
  "scope-length": (rng, base) => withBytes(base, (b) => (b[27] = rng.int(0, 255))),
  "scope-bytes": (rng, base) => {
    const b = bytesOf(base);
    const scopeLength = b[27]!;
    if (scopeLength === 0) {
      // Give a login token a scope ("api", "path:/"...) by inserting bytes; the tags stay.
      const scope = new TextEncoder().encode(rng.pick(["api", "path:/", "path:/*", "signup", "admin"]));
      const out = new Uint8Array(b.length + scope.length);
      out.set(b.subarray(0, HEADER_BYTES));
      out[27] = scope.length;
      out.set(scope, HEADER_BYTES);
      out.set(b.subarray(HEADER_BYTES), HEADER_BYTES + scope.length);
      return encodeBase64url(out);
    }
    return withBytes(base, (x) => (x[HEADER_BYTES + rng.int(0, scopeLength - 1)] = rng.int(0, 255)));
  },
  "scope-dropped": (_rng, base) => {
    const b = bytesOf(base);
    const out = new Uint8Array([...b.subarray(0, HEADER_BYTES), ...b.subarray(HEADER_BYTES + b[27]!)]);
    out[27] = 0;
    return encodeBase64url(out);
  },
  "whitespace-around": (rng, base) =>
    rng.pick([" ", "\t", "\n", "\r\n", "\u00a0", "\u200b", "+", "%20"]) + base + rng.pick(["", " ", "\n", "%0a", "\u0000"]),
  "nul-inside": (rng, base) => {
    const i = rng.int(0, base.length);
    return base.slice(0, i) + rng.pick(["\u0000", "%00", "\\0", "\\u0000"]) + base.slice(i);
  },
  "non-ascii-inside": (rng, base) => {
    const i = rng.int(0, base.length - 1);
    return base.slice(0, i) + rng.pick(ALPHABETS.unicode) + base.slice(i + 1);
  },
  "look-alike": (_rng, base) => base.replace(/[A-Za-z0-9]/, (ch) => String.fromCodePoint(ch.codePointAt(0)! + 0xfee0)), // full-width form
  "percent-encoded": (rng, base) => {
    const encoded = [...base].map((ch) => (rng.chance(0.5) ? `%${ch.charCodeAt(0).toString(16).padStart(2, "0")}` : ch)).join("");
    return rng.chance(0.3) ? encoded.replace(/%/g, "%25") : encoded;
  },
  doubled: (_rng, base) => base + base,
  "repeated-huge": (rng, base) => base.repeat(rng.int(3, 300)),
};

/** Random strings that are not tokens at all, of every alphabet and length. */
function randomToken(rng: Rng): TokenInput {
  const kind = rng.pick(["base64url", "base64", "hex", "printable", "control", "unicode", "huge", "empty-ish", "jwt-shaped"]);
  switch (kind) {
    case "huge":
      return { kind: "random-huge", token: rng.string(ALPHABETS.base64url, rng.pick([401, 1024, 8192, 65_536])) };
    case "empty-ish":
      return { kind: "random-empty", token: rng.pick(["", " ", "=", "null", "undefined", "0", "[]", "{}", "%", "%%", "&", "#", "?"]) };
    case "jwt-shaped":
      return { kind: "random-jwt", token: [0, 1, 2].map(() => rng.string(ALPHABETS.base64url, rng.int(0, 120))).join(".") };
    case "base64url":
      // Near the real length, where the layout parser has to look twice.
      return { kind: "random-base64url", token: rng.string(ALPHABETS.base64url, rng.chance(0.5) ? rng.int(58, 70) : rng.int(1, 400)) };
    default:
      return { kind: `random-${kind}`, token: rng.string(ALPHABETS[kind as keyof typeof ALPHABETS], rng.int(1, 200)) };
  }
}

/** `count` hostile tokens: 70% mutations of a base, 10% genuine tokens out of place, 20% random. */
export function* tokenInputs(rng: Rng, material: TokenMaterial, count: number): Generator<TokenInput> {
  const names = Object.keys(MUTATIONS);
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    if (roll < 0.7) {
      const name = rng.pick(names);
      const base = rng.pick(material.bases);
      let token = MUTATIONS[name]!(rng, base, material);
      // A second mutation now and then: the combinations a single step never reaches.
      if (rng.chance(0.15)) {
        const again = rng.pick(names);
        // Byte-level mutations need a whole header and both tags to work on.
        if ((decodeBase64url(token)?.length ?? 0) >= HEADER_BYTES + 16) token = MUTATIONS[again]!(rng, token, material);
      }
      // A few mutations can land on a genuine token (a digit has no case; a splice at a shared
      // first character is the other token whole): mutate until it is none of them.
      while (material.bases.includes(token) || material.others.includes(token)) token = MUTATIONS["bit-flip"]!(rng, base, material);
      yield { kind: name, token };
    } else if (roll < 0.8 && material.wrongKind.length > 0) {
      const genuine = rng.pick(material.wrongKind);
      yield { kind: `genuine-${genuine.name}`, token: genuine.token };
    } else {
      yield randomToken(rng);
    }
  }
}
