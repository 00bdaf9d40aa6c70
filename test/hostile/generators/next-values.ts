/**
 * Hostile `next` values: an open-redirect corpus (protocol-relative and backslash forms,
 * percent-encoded and double-encoded slashes, tabs and newlines browsers strip, script and
 * data schemes, Unicode slashes and dots, userinfo, IPv6 and numeric hosts, overlong UTF-8,
 * dot segments, mixed encodings, header injection) and seeded mutations of it.
 */
import { ALPHABETS, type Rng } from "./prng";

const HOSTS = [
  "evil.com",
  "evil.com:443",
  "127.0.0.1",
  "[::1]",
  "[::ffff:7f00:1]",
  "0x7f.1",
  "2130706433",
  "localhost:8787.evil.com",
  "xn--80ak6aa92e.com",
  "евил.com",
];

/** The seeds: each `evil.com` is later swapped for other hosts. */
export const OPEN_REDIRECT_CORPUS: readonly string[] = [
  "//evil.com",
  "///evil.com",
  "////evil.com",
  "/\\evil.com",
  "\\\\evil.com",
  "\\/evil.com",
  "/\\/evil.com",
  "//\\evil.com",
  "/%2F%2Fevil.com",
  "%2F%2Fevil.com",
  "/%2f%2fevil.com",
  "/%252F%252Fevil.com",
  "/%25252F%25252Fevil.com",
  "/%5Cevil.com",
  "/%5c%5cevil.com",
  "/%2F\\evil.com",
  "/%09/evil.com",
  "/%0d%0a/evil.com",
  "/%00//evil.com",
  "/%E2%80%8B/evil.com",
  "/\t/evil.com",
  "/\n/evil.com",
  "/\r\n/evil.com",
  "\t//evil.com",
  " //evil.com",
  "/ /evil.com",
  "/\u0000//evil.com",
  "/\u200b/evil.com",
  "/\ufeff/evil.com",
  "/\u2028/evil.com",
  "/\u00ad/evil.com",
  "/\u3000/evil.com",
  "javascript:alert(1)",
  "JaVaScRiPt:alert(1)",
  "java\tscript:alert(1)",
  "javascript://%0aalert(1)",
  " javascript:alert(1)",
  "data:text/html,<script>alert(1)</script>",
  "vbscript:msgbox(1)",
  "file:///etc/passwd",
  "https://evil.com",
  "http:evil.com",
  "https:/evil.com",
  "https:\\\\evil.com",
  "HTTPS://evil.com",
  "http://localhost:8787@evil.com/",
  "http://localhost:8787.evil.com/",
  "//localhost:8787@evil.com",
  "//user:pass@evil.com",
  "/\\@evil.com",
  "@evil.com",
  "evil.com",
  "／／evil.com",
  "/／evil.com",
  "/⁄evil.com",
  "/∕evil.com",
  "/＼evil.com",
  "/⧵evil.com",
  "/╱evil.com",
  "/﹨evil.com",
  "\uff0f\uff0fevil.com",
  "/%EF%BC%8F%EF%BC%8Fevil.com",
  "/%EF%BC%8Fevil.com",
  "/。evil.com",
  "/．evil.com",
  "/..//evil.com",
  "/a/../..//evil.com",
  "/./..//evil.com",
  "/%2e%2e//evil.com",
  "/%2e%2e%2f%2fevil.com",
  "/.%2e/%2fevil.com",
  "/%C0%AF%C0%AFevil.com",
  "/%C0%AE%C0%AE//evil.com",
  "/%E0%80%AF/evil.com",
  "/%F0%80%80%AF/evil.com",
  "/%c0%2f/evil.com",
  "/ok\r\nSet-Cookie: x=1",
  "/ok%0d%0aLocation:%20//evil.com",
  "/ok\r\nLocation: //evil.com",
  "/%0aLocation://evil.com",
  "?next=//evil.com",
  "#//evil.com",
  "",
  "/",
  "//",
  "/\\",
  "\\",
  "/.sesame/logout",
  "/.SESAME/link?sesame=x",
  "/.sesame%2flogout",
];

/** Same-site paths that must come back exactly as given. */
export const SAFE_NEXT_VALUES: readonly string[] = [
  "/",
  "/dashboard",
  "/reports/42?tab=2",
  "/a/b/c?x=1&y=2#frag",
  "/search?q=%2F%2Fevil.com",
  "/files/report%20final.pdf",
  "/path/with:colon",
  "/@user/profile",
  "/ok?next=/back",
  "/~home/éte",
];

const INSERTS = [
  "/",
  "\\",
  "%2F",
  "%2f",
  "%5C",
  "%252F",
  "\t",
  "\n",
  "\r",
  "@",
  ".",
  "..",
  ":",
  "%",
  "%00",
  "\u0000",
  "／",
  "⁄",
  "＼",
  "\u200b",
  " ",
  "#",
  "?",
  "//",
];

function swapHost(rng: Rng, value: string): string {
  return value.replace(/evil\.com/g, () => rng.pick(HOSTS));
}

/** One percent-encoding pass over a random share of the characters (lower- or upper-case hex). */
function encodeSome(rng: Rng, value: string): string {
  const upper = rng.chance(0.5);
  return [...value]
    .map((ch) => {
      if (!rng.chance(0.4)) return ch;
      const hex = [...new TextEncoder().encode(ch)].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
      return upper ? hex.toUpperCase() : hex;
    })
    .join("");
}

const MUTATIONS: ((rng: Rng, value: string) => string)[] = [
  (rng, v) => {
    const at = rng.int(0, v.length);
    return v.slice(0, at) + rng.pick(INSERTS) + v.slice(at);
  },
  (rng, v) => encodeSome(rng, v),
  (rng, v) => encodeSome(rng, encodeSome(rng, v)),
  (rng, v) => rng.pick(["/", "//", "\\", "/\\", " ", "\t/", "%2F", "/%2F"]) + v,
  (rng, v) => v + rng.pick(["", "/", "?x=1", "#", "/..", "%2F..", "@good.com", "\\@"]) + rng.string(ALPHABETS.printable, rng.int(0, 6)),
  (rng, v) => v.replace(/\//g, () => rng.pick(["/", "\\", "%2F", "／", "⁄"])),
  (rng, v) => v.replace(/\./g, () => rng.pick([".", "%2e", "。", "．", "%E3%80%82"])),
  (rng, v) => (rng.chance(0.5) ? v.toUpperCase() : v.replace(/[a-z]/g, (ch) => (rng.chance(0.5) ? ch.toUpperCase() : ch))),
  (rng, v) => `/${"a/".repeat(rng.int(1, 5))}${"../".repeat(rng.int(1, 8))}${v.replace(/^\/+/, "/")}`,
  (rng, v) => `${v}/${"a".repeat(rng.pick([100, 2040, 2100, 5000]))}`,
];

/** `count` values: a third straight from the corpus (new hosts), the rest mutated once or twice. */
export function* nextValues(rng: Rng, count: number): Generator<{ kind: string; next: string }> {
  for (let i = 0; i < count; i++) {
    let value = swapHost(rng, rng.pick(OPEN_REDIRECT_CORPUS));
    if (rng.chance(0.33)) {
      yield { kind: "corpus", next: value };
      continue;
    }
    const rounds = rng.chance(0.3) ? 2 : 1;
    for (let r = 0; r < rounds; r++) value = rng.pick(MUTATIONS)(rng, value);
    yield { kind: `mutated-${rounds}`, next: value };
  }
}
