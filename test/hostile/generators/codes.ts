/**
 * Hostile sign-in codes for POST /code: wrong lengths, well-formed wrong codes (these spend
 * attempts), non-digits, Unicode digits, huge values, NUL and white space, repeated and
 * missing fields, near misses of the real code, and the real code sent with another
 * person's address. Near misses need the real code, so an input is a recipe applied to it
 * at send time.
 */
import { ALPHABETS, mulberry32, type Rng, UNICODE_DIGITS } from "./prng";

export interface CodeFields {
  /** Form fields in order; a name may repeat. */
  fields: [string, string][];
}

export interface CodeInput {
  kind: string;
  /** Builds the form from the victim's real code, address and a neighbour's address. */
  build(real: string, email: string, neighbour: string): CodeFields;
}

const digits = (rng: Rng, n: number) => rng.string(ALPHABETS.digits, n);

/** A six-digit code that is not `real`. */
function wrongCode(rng: Rng, real: string): string {
  let code = digits(rng, real.length);
  while (code === real) code = digits(rng, real.length);
  return code;
}

const RECIPES: Record<string, (rng: Rng) => CodeInput["build"]> = {
  "well-formed-wrong": (rng) => (real, email) => ({
    fields: [
      ["email", email],
      ["code", wrongCode(rng, real)],
    ],
  }),
  "wrong-length": (rng) => (real, email) => {
    let n = rng.int(0, 12);
    if (n === real.length) n += 1;
    return {
      fields: [
        ["email", email],
        ["code", digits(rng, n)],
      ],
    };
  },
  "non-digits": (rng) => (_real, email) => ({
    fields: [
      ["email", email],
      [
        "code",
        rng.pick([
          "abcdef",
          "12345a",
          "1e5000",
          "-12345",
          "+123456",
          "0x1234",
          "123456.0",
          "١٢٣٤٥٦",
          "null",
          "NaN",
          "Infinity",
          "[]",
          "{}",
          rng.string(ALPHABETS.printable, rng.int(1, 20)),
        ]),
      ],
    ],
  }),
  "unicode-digits": (rng) => (_real, email) => ({
    fields: [
      ["email", email],
      ["code", rng.string(UNICODE_DIGITS, 6)],
    ],
  }),
  "unicode-real": (rng) => (real, email) => ({
    // The real code in other scripts' digits: equal to a person, not to the edge.
    fields: [
      ["email", email],
      [
        "code",
        [...real]
          .map((d) => (rng.chance(0.5) ? String.fromCodePoint(0xff10 + Number(d)) : String.fromCodePoint(0x0660 + Number(d))))
          .join(""),
      ],
    ],
  }),
  huge: (rng) => (_real, email) => ({
    fields: [
      ["email", email],
      ["code", digits(rng, rng.pick([65, 1000, 7000]))],
    ],
  }),
  "nul-and-space": (rng) => (real, email) => ({
    fields: [
      ["email", email],
      [
        "code",
        rng.pick([
          `${real}\u0000`,
          `\u0000${real}`,
          `${real.slice(0, 3)}\u0000${real.slice(3)}`,
          `${real}\u200b`,
          `${real}\u00a0x`,
          `${wrongCode(rng, real).slice(0, 3)} ${real.slice(3)}`,
        ]),
      ],
    ],
  }),
  "grouped-wrong": (rng) => (real, email) => {
    const code = wrongCode(rng, real);
    return {
      fields: [
        ["email", email],
        [
          "code",
          rng.pick([
            `${code.slice(0, 3)} ${code.slice(3)}`,
            `${code.slice(0, 3)}-${code.slice(3)}`,
            ` ${code} `,
            `\t${code}\n`,
            code.split("").join(" "),
          ]),
        ],
      ],
    };
  },
  "near-miss": (rng) => (real, email) => {
    const flip = rng.int(0, real.length - 1);
    const offByOne = real.slice(0, flip) + String((Number(real[flip]) + 1) % 10) + real.slice(flip + 1);
    return {
      fields: [
        ["email", email],
        [
          "code",
          rng.pick([
            real.slice(0, -1),
            `${real}0`,
            offByOne,
            [...real].reverse().join("") === real ? offByOne : [...real].reverse().join(""),
            `${real}x`,
            `0${real}`,
          ]),
        ],
      ],
    };
  },
  "repeated-field": (rng) => (real, email) => ({
    // The form reader takes the first value: a wrong first code is a wrong code.
    fields: [
      ["email", email],
      ["code", wrongCode(rng, real)],
      ["code", real],
    ],
  }),
  "repeated-email": () => (real, email, neighbour) => ({
    fields: [
      ["email", neighbour],
      ["email", email],
      ["code", real],
    ],
  }),
  "other-address": () => (real, _email, neighbour) => ({
    fields: [
      ["email", neighbour],
      ["code", real],
    ],
  }),
  "missing-fields": (rng) => (real, email) => ({
    fields: rng.pick<[string, string][]>([
      [["code", real]],
      [["email", email]],
      [],
      [
        ["email", ""],
        ["code", real],
      ],
      [
        ["e-mail", email],
        ["code", real],
      ],
      [
        ["email", email],
        ["Code", real],
      ],
    ]),
  }),
  "address-variant": (rng) => (real, email) => ({
    fields: [
      ["email", rng.pick([email.toUpperCase(), ` ${email} `, `${email}.`, email.replace("@", "@@"), `${email}\u0000`])],
      ["code", wrongCode(rng, real)],
    ],
  }),
};

/** `count` code recipes, weighted toward what an attacker tries most: well-formed guesses. */
export function* codeInputs(rng: Rng, count: number): Generator<CodeInput> {
  const names = Object.keys(RECIPES);
  for (let i = 0; i < count; i++) {
    const kind = rng.chance(0.25) ? "well-formed-wrong" : rng.pick(names);
    // Each input draws from a stream of its own: building happens at send time, in any order.
    yield { kind, build: RECIPES[kind]!(mulberry32(rng.int(0, 2 ** 32 - 1))) };
  }
}
