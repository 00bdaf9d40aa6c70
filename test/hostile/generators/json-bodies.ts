/**
 * Hostile admin API bodies: random JSON trees (right and wrong keys, every type), deep
 * nesting, huge and odd numbers, wrong types per field, duplicate keys, prototype-pollution
 * keys (__proto__, constructor, prototype), Unicode and lone surrogates, 1 MB bodies, invalid
 * UTF-8, BOMs, and every content type but the right one.
 */
import { ALPHABETS, type Rng } from "./prng";

export interface JsonInput {
  kind: string;
  body: string | Uint8Array<ArrayBuffer>;
  /** null sends no Content-Type at all. */
  contentType: string | null;
}

const POLLUTION_KEYS = ["__proto__", "constructor", "prototype", "__defineGetter__", "hasOwnProperty", "toString", "valueOf"];
const ODD_NUMBERS = [
  "1e400",
  "-1e400",
  "1e308",
  "-0",
  "0.5",
  "1e-400",
  "9007199254740993",
  "-9007199254740993",
  "60.0000000000001",
  "6e1",
  "0x3c",
  "Infinity",
  "NaN",
  "060",
  "+60",
  ".5",
];
const CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=utf-16",
  "APPLICATION/JSON",
  "application/vnd.api+json",
  "application/json-patch+json",
  "application/javascript",
  "application/jsonx",
  "json",
  "",
  "application/json, text/plain",
  "application/json;",
  " application/json ",
];

function randomString(rng: Rng): string {
  const alphabet = rng.pick([ALPHABETS.printable, ALPHABETS.unicode, ALPHABETS.control, "abc@.example-com", ALPHABETS.digits]);
  return rng.string(alphabet, rng.pick([0, 1, 5, 30, 200, 255, 256, 5000]));
}

/** A random JSON value as text, written by hand so it can hold what JSON.stringify never makes. */
function randomValue(rng: Rng, keys: readonly string[], depth: number): string {
  const roll = rng.int(0, depth <= 0 ? 4 : 7);
  switch (roll) {
    case 0:
      return JSON.stringify(randomString(rng));
    case 1:
      return rng.pick(ODD_NUMBERS.filter((n) => !/^(Infinity|NaN|0x|\+|\.|060)/.test(n)).concat([String(rng.int(-1e6, 1e9))]));
    case 2:
      return rng.pick(["true", "false", "null"]);
    case 3:
      return rng.pick(['"\\ud800"', '"\\udfff\\ud800"', '"a\\u0000b"', '"\\u202e"', '"\\ufeff"', '"😀"', '"\\r\\n"']);
    case 4:
      return JSON.stringify(rng.pick(["", " ", "a@example.com", "api", "path:/x", "path:/../x", "signup", "600", "true"]));
    case 5:
    case 6:
      return randomObject(rng, keys, depth - 1);
    default:
      return `[${Array.from({ length: rng.int(0, 4) }, () => randomValue(rng, keys, depth - 1)).join(",")}]`;
  }
}

function randomObject(rng: Rng, keys: readonly string[], depth: number): string {
  const count = rng.int(0, 5);
  const members: string[] = [];
  for (let i = 0; i < count; i++) {
    const key =
      keys.length > 0 && rng.chance(0.6) ? rng.pick(keys) : rng.chance(0.5) ? rng.pick(POLLUTION_KEYS) : randomString(rng).slice(0, 40);
    members.push(`${JSON.stringify(key)}:${randomValue(rng, keys, depth)}`);
  }
  return `{${members.join(",")}}`;
}

/** Each field of the endpoint with a value of the wrong type (or a right type out of range). */
function wrongType(rng: Rng, keys: readonly string[]): string {
  const key = keys.length > 0 ? rng.pick(keys) : "extra";
  const value = rng.pick([
    "1",
    "[]",
    "{}",
    "true",
    "null",
    '"true"',
    '"600"',
    "[600]",
    '{"$gt":""}',
    rng.pick(ODD_NUMBERS.slice(0, 10)),
    JSON.stringify("x".repeat(rng.pick([201, 5000, 15_000]))),
  ]);
  return `{${JSON.stringify(key)}:${value}}`;
}

const encoder = new TextEncoder();

/** `count` bodies for an endpoint whose allowed keys are `keys`. */
export function* jsonBodies(rng: Rng, keys: readonly string[], count: number): Generator<JsonInput> {
  const json = "application/json";
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    if (roll < 0.35) yield { kind: "random-json", body: randomObject(rng, keys, rng.int(1, 4)), contentType: json };
    else if (roll < 0.45) yield { kind: "wrong-type", body: wrongType(rng, keys), contentType: json };
    else if (roll < 0.5) {
      const n = rng.pick([100, 1000, 5000, 8000, 20_000]);
      const nested = rng.chance(0.5) ? "[".repeat(n) + "]".repeat(n) : `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
      yield { kind: `deep-${n}`, body: nested, contentType: json };
    } else if (roll < 0.56) {
      const key = keys.length > 0 ? rng.pick(keys) : "x";
      yield {
        kind: "duplicate-keys",
        body: `{${JSON.stringify(key)}:${randomValue(rng, keys, 0)},${JSON.stringify(key)}:${randomValue(rng, keys, 0)}}`,
        contentType: json,
      };
    } else if (roll < 0.64) {
      const key = rng.pick(POLLUTION_KEYS);
      const inner = rng.pick(['{"admin":true}', '{"isActive":false}', '{"prototype":{"polluted":1}}', "null", "1"]);
      const rest = keys.length > 0 && rng.chance(0.5) ? `,${JSON.stringify(rng.pick(keys))}:${randomValue(rng, keys, 0)}` : "";
      yield { kind: `pollution-${key}`, body: `{${JSON.stringify(key)}:${inner}${rest}}`, contentType: json };
    } else if (roll < 0.66) {
      const size = rng.pick([16 * 1024 + 1, 1024 * 1024]);
      yield {
        kind: `huge-${size}`,
        body: rng.chance(0.5) ? `{"name":"${"a".repeat(size)}"}` : rng.string(ALPHABETS.printable, size),
        contentType: json,
      };
    } else if (roll < 0.71) {
      const bytes = rng.pick([[0xff, 0xfe], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82]]);
      const key = keys.length > 0 ? rng.pick(keys) : "x";
      const body = new Uint8Array([...encoder.encode(`{"${key}":"a`), ...bytes, ...encoder.encode('b"}')]);
      yield { kind: "invalid-utf8", body: rng.chance(0.2) ? new Uint8Array([0xef, 0xbb, 0xbf, ...body]) : body, contentType: json };
    } else if (roll < 0.8) {
      yield { kind: "wrong-content-type", body: randomObject(rng, keys, 1), contentType: rng.chance(0.1) ? null : rng.pick(CONTENT_TYPES) };
    } else if (roll < 0.88) {
      yield {
        kind: "not-an-object",
        body: rng.pick([
          "null",
          "[]",
          '"string"',
          "1",
          "true",
          "{",
          "}",
          "{]",
          "{'a':1}",
          '{"a":1,}',
          "\ufeff{}",
          "{}{}",
          "/*x*/{}",
          '{"a":1}\u0000',
          " ",
          "\n\t",
          "",
          "\u0000",
        ]),
        contentType: json,
      };
    } else {
      // Mostly-valid bodies with one twist: the values an operator might plausibly send.
      const key = keys.length > 0 ? rng.pick(keys) : "extra";
      yield {
        kind: "plausible",
        body: `{${JSON.stringify(key)}:${randomValue(rng, keys, 0)}}`,
        contentType: rng.pick([json, `${json}; charset=utf-8`]),
      };
    }
  }
}
