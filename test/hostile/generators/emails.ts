/**
 * Hostile email fields for POST /login: RFC-weird addresses (quoted locals, comments,
 * literals, dots in odd places), internationalised and look-alike addresses, CR/LF header
 * injection, 10 KB strings, many @, NUL, and form-encoding tricks (repeated fields, a plus
 * that decodes to a space, invalid escapes, multipart, wrong content types, oversized bodies).
 */
import { percentEncode } from "../support/edge";
import { ALPHABETS, type Rng } from "./prng";

export interface EmailInput {
  kind: string;
  /** The request body as sent. */
  body: string | FormData;
  /** Content-Type for a string body (FormData sets its own). */
  contentType?: string;
  /** The email value, when the body carries one plainly (for the echo check). */
  email?: string;
}

const WEIRD = [
  '"john doe"@example.com',
  '"a@b"@example.com',
  '"a\\"b"@example.com',
  "a(comment)@example.com",
  "(c)a@example.com",
  "a@[127.0.0.1]",
  "a@[IPv6:::1]",
  "a@localhost",
  "a..b@example.com",
  ".a@example.com",
  "a.@example.com",
  "a+tag@example.com",
  "a@example.com.",
  "a@-example.com",
  "a@example-.com",
  "a@ex_ample.com",
  "a@example..com",
  "user%example.com@example.org",
  "!#$%&'*+/=?^_`{|}~-@example.com",
  `${"l".repeat(64)}@example.com`,
  `${"l".repeat(65)}@example.com`,
  `a@${"d".repeat(63)}.com`,
  `a@${"d".repeat(64)}.com`,
  `${"x".repeat(240)}@example.com`,
  `${"x".repeat(242)}@example.com`,
  "a@b.c",
  "a@b",
  "@example.com",
  "a@",
  "a",
  "",
  " ",
  "a @example.com",
  "a@ example.com",
  "a@example.com ",
  "\ta@example.com\n",
];
const INTERNATIONAL = [
  "josé@example.com",
  "a@exämple.com",
  "a@xn--exmple-cua.com",
  "用户@例子.广告",
  "аdmin@example.com",
  "ａ@example.com",
  "a@example.com\u200b",
  "\u202ea@example.com",
  "a\u0301@example.com",
  "ß@example.com",
  "İ@example.com",
  "a@example.com\ufeff",
];
const INJECTION = [
  "a@example.com\r\nBcc: victim@evil.com",
  "a@example.com%0d%0aBcc:x@evil.com",
  "a@example.com\nSubject: hi",
  '"a\r\nb"@example.com',
  "a@example.com>\r\nRCPT TO:<x@evil.com",
  "<a@example.com>",
  "Name <a@example.com>",
  "a@example.com, b@evil.com",
  "a@example.com; b@evil.com",
  "a@example.com b@evil.com",
  "a@example.com\r\n\r\n<script>alert(1)</script>",
  "a@example.com\u0085Bcc: x@evil.com",
  "a@example.com\u2028Bcc: x@evil.com",
  '"><script>alert(1)</script>@example.com',
  'a@example.com"><img src=x onerror=alert(1)>',
];

function mutate(rng: Rng, value: string): string {
  const at = rng.int(0, value.length);
  const insert = rng.pick(["@", "\u0000", "\r\n", "\n", "%0a", ",", ";", "<", ">", '"', " ", ".", "..", "\\", rng.pick(ALPHABETS.unicode)]);
  return value.slice(0, at) + insert + value.slice(at);
}

/** Form bodies that play with the encoding itself rather than the address. */
function formTrick(rng: Rng, address: string): EmailInput {
  const e = percentEncode(address);
  const tricks: (() => EmailInput)[] = [
    () => ({ kind: "repeated-field", body: `email=${e}&email=${percentEncode(`x${rng.int(0, 1e6)}@evil.com`)}&next=%2F`, email: address }),
    () => ({ kind: "plus-is-space", body: `email=${address.replace("@", "+tag@")}&next=/` }),
    () => ({ kind: "unencoded", body: `email=${address}&next=/` }),
    () => ({ kind: "invalid-escape", body: `email=${e}%ZZ%&next=%` }),
    () => ({ kind: "array-name", body: `email[]=${e}&email%5B%5D=${e}` }),
    () => ({ kind: "name-case", body: `EMAIL=${e}&Email=${e}` }),
    () => ({ kind: "nul-name", body: `email%00=${e}&email=` }),
    () => ({ kind: "empty-body", body: "" }),
    () => ({ kind: "only-separators", body: "&&&==&=" }),
    () => ({ kind: "text-plain", body: `email=${e}`, contentType: "text/plain" }),
    () => ({ kind: "json", body: JSON.stringify({ email: address }), contentType: "application/json" }),
    () => ({ kind: "utf-16-charset", body: `email=${e}`, contentType: "application/x-www-form-urlencoded; charset=utf-16" }),
    () => ({ kind: "no-content-type", body: `email=${e}`, contentType: "" }),
    () => ({ kind: "oversized-body", body: `email=${e}&pad=${"p".repeat(rng.pick([8200, 20_000, 100_000]))}` }),
    () => {
      const form = new FormData();
      form.append("email", address);
      form.append("next", "/");
      return { kind: "multipart", body: form, email: address };
    },
    () => {
      const form = new FormData();
      form.append("email", new File([address], "email.txt", { type: "text/plain" }));
      return { kind: "multipart-file", body: form };
    },
  ];
  return rng.pick(tricks)();
}

/** `count` email inputs; `known` are existing users' addresses (sometimes reused, re-cased, padded). */
export function* emailInputs(rng: Rng, known: readonly string[], count: number): Generator<EmailInput> {
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    let address: string;
    let kind: string;
    if (roll < 0.25) [kind, address] = ["rfc-weird", rng.pick(WEIRD)];
    else if (roll < 0.35) [kind, address] = ["international", rng.pick(INTERNATIONAL)];
    else if (roll < 0.5)
      [kind, address] = ["injection", rng.pick(INJECTION).replace("a@example.com", rng.chance(0.3) ? rng.pick(known) : "a@example.com")];
    else if (roll < 0.55)
      [kind, address] = ["huge", rng.chance(0.5) ? `${"a".repeat(10_240)}@example.com` : rng.string(ALPHABETS.printable, 10_240)];
    else if (roll < 0.6) [kind, address] = ["many-at", `${"a@".repeat(rng.int(2, 60))}example.com`];
    else if (roll < 0.65)
      [kind, address] = ["nul", rng.pick(["a\u0000@example.com", "a@example.com\u0000.evil.com", "\u0000", `${rng.pick(known)}\u0000`])];
    else if (roll < 0.75)
      [kind, address] = [
        "known-variant",
        rng.pick([
          (k: string) => k.toUpperCase(),
          (k: string) => ` ${k} `,
          (k: string) => k.replace("@", "@@"),
          (k: string) => `${k}.`,
          (k: string) => k,
        ])(rng.pick(known)),
      ];
    else if (roll < 0.85) [kind, address] = ["mutated", mutate(rng, rng.pick([...WEIRD, ...known, "a@example.com"]))];
    else if (roll < 0.9)
      [kind, address] = ["random", rng.string(rng.pick([ALPHABETS.printable, ALPHABETS.control, ALPHABETS.unicode]), rng.int(0, 300))];
    else {
      yield formTrick(rng, rng.chance(0.5) ? rng.pick(known) : rng.pick([...WEIRD, ...INJECTION]));
      continue;
    }
    yield { kind, body: `email=${percentEncode(address)}&next=%2F`, email: address };
  }
}
