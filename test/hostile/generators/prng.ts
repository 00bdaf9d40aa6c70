/**
 * The seeded randomness behind every hostile generator. mulberry32: 32 bits of state, fast,
 * and the same sequence on every machine, so a failing input replays from its seed.
 *
 * The run's seed comes from HOSTILE_SEED (vitest.config.ts passes it in; a random one when
 * unset) and each surface mixes in its own name, so one surface's stream does not shift
 * when another surface draws more or fewer values.
 */
import { env } from "cloudflare:workers";

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** `length` characters drawn from `alphabet` (a string or a list of characters). */
  string(alphabet: string | readonly string[], length: number): string;
  bytes(length: number): Uint8Array;
}

/** The run's seed: HOSTILE_SEED as a 32-bit unsigned integer. */
export function runSeed(): number {
  const raw = env.HOSTILE_SEED ?? "";
  const parsed = Number(raw);
  if (raw === "" || !Number.isInteger(parsed) || parsed < 0 || parsed >= 2 ** 32) {
    throw new Error(`HOSTILE_SEED must be a whole number from 0 to ${2 ** 32 - 1}, got ${JSON.stringify(raw)}`);
  }
  return parsed;
}

/** The generator of one surface: the run's seed mixed with the surface's name (FNV-1a). */
export function surfaceRng(surface: string, seed = runSeed()): Rng {
  let hash = 0x811c9dc5;
  for (const ch of surface) {
    hash ^= ch.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return mulberry32((seed ^ hash) >>> 0);
}

export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new TypeError("pick from an empty list");
      return items[int(0, items.length - 1)]!;
    },
    string: (alphabet, length) => {
      const chars = typeof alphabet === "string" ? [...alphabet] : alphabet;
      // Joined once, not appended a character at a time: V8 keeps `out += c` as a chain of
      // one node per character until the string is first read (about 20 bytes a character
      // in workerd), and surfaces hold thousands of these strings, some of 1 MiB, at once.
      // That chain, not the worker, ran workerd out of heap (docs/reliability.md).
      const out = new Array<string>(length);
      for (let i = 0; i < length; i++) out[i] = chars[int(0, chars.length - 1)]!;
      return out.join("");
    },
    bytes: (length) => {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = int(0, 255);
      return out;
    },
  };
}

/** Character sets the generators draw from. */
export const ALPHABETS = {
  base64url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
  base64: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=",
  hex: "0123456789abcdef",
  digits: "0123456789",
  printable: [...Array(95)].map((_, i) => String.fromCharCode(32 + i)).join(""),
  control: `${[...Array(32)].map((_, i) => String.fromCharCode(i)).join("")}\u007f`,
  /** Look-alikes, invisible and direction characters, astral symbols, combining marks. */
  unicode: [
    "é",
    "ß",
    "ı",
    "İ",
    "ﬀ",
    "Ω",
    "Å",
    "ｓ",
    "ｅ",
    "／",
    "＼",
    "．",
    "。",
    "⁄",
    "∕",
    "\u00a0",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2028",
    "\ufeff",
    "\ufffd",
    "😀",
    "𝓪",
    "\u0301",
    "\u0000",
    "л",
    "中",
    "ا",
    "\ud800",
    "\udfff",
  ],
} as const;

/** Unicode digits that are not ASCII 0-9 (Arabic-Indic, Devanagari, full-width, mathematical). */
export const UNICODE_DIGITS = ["٠", "١", "٢", "٣", "۴", "५", "৬", "７", "８", "９", "𝟘", "𝟙", "𝟚", "①", "²", "¹"];
