/**
 * Hostile request paths: traversal in every spelling (plain, encoded, double-encoded,
 * overlong UTF-8, backslashes, `..;/` path parameters), NUL, very long paths, and escapes
 * from PUBLIC_PATHS (`/static/*`, `/healthz`) and into the auth prefix's admin API.
 */
import { ALPHABETS, type Rng } from "./prng";

const DOTS = [
  "..",
  "%2e%2e",
  "%2E%2E",
  ".%2e",
  "%2e.",
  "%252e%252e",
  "%c0%ae%c0%ae",
  "%e0%80%ae%e0%80%ae",
  "．．",
  "\u2025",
  "..;",
  "...",
  ". .",
];
const SLASHES = ["/", "%2f", "%2F", "%252f", "\\", "%5c", "%5C", "%255c", "%c0%af", "%e0%80%af", "//", "/./", ";/", "%3b/", "／"];
const TARGETS = ["admin", "secret", "app/private", ".sesame/admin/api/users", ".sesame/me", "etc/passwd", "static/../admin"];

/** Escapes aimed at one public pattern. */
const PUBLIC_ESCAPES = [
  "/healthzx",
  "/healthz/",
  "/healthz/x",
  "/HEALTHZ",
  "/Healthz",
  "/healthz%2f..%2fsecret",
  "/healthz;/secret",
  "/healthz%3b/secret",
  "/healthz%00",
  "/healthz%00.js",
  "/healthz%20",
  "/healthz.",
  "/healthz..",
  "/healthz/..",
  "/healthz/../secret",
  "//healthz",
  "/./healthz",
  "/healthz?/../secret",
  "/healthz#/../secret",
  "/healthz%23/../secret",
  "/healthz%3f/../secret",
  "/static",
  "/statics/x",
  "/Static/x",
  "/STATIC/x",
  "/static%2fx",
  "/static%2f..%2fsecret",
  "/static%5c..%5csecret",
  "//static/x",
  "/./static/x",
  "/static/./x",
  "/static/x/../../secret",
  "/static/..;/secret",
  "/static/x;/../../secret",
  "/static/%2e%2e/secret",
  "/static/%2e%2e%2fsecret",
  "/static/.%2e/secret",
  "/static/%252e%252e/secret",
  "/static/%c0%ae%c0%ae/secret",
  "/static/..%00/secret",
  "/static/%00/../secret",
  "/static/..\\secret",
  "/static\\..\\secret",
  "/static/x%2f..%2f..%2fsecret",
  "/static/．．/secret",
  "/static/\u2025/secret",
  "/ｓtatic/x",
  "/static/x?x=/../../secret",
  "/static/x%3f/../../secret",
  "/favicon.ico/../secret",
];

/** Into the prefix: the admin API, /me and friends, without credentials. */
const PREFIX_PATHS = [
  "/.sesame/admin/api/users",
  "/.sesame/admin/api/events",
  "/.sesame/../.sesame/admin/api/users",
  "/.sesame/%2e%2e/.sesame/admin/api/users",
  "/.SESAME/admin/api/users",
  "/.sesame//admin/api/users",
  "/.sesame/admin/api/../api/users",
  "/.sesame/admin%2fapi/users",
  "/.sesame/admin/api%2fusers",
  "/.sesame/admin/api/users%00",
  "/.sesame/admin/API/users",
  "/.sesame/me",
  "/.sesame/me/",
  "/.sesame/me%00",
  "/.sesame/ME",
  "/.sesame/./me",
  "/.sesame/verify",
  "/.sesame/admin/api/users/x%2f..%2f..",
  "/.sesame/admin/api/",
  "/.sesame/admin/",
  "/.sesame%2fadmin/api/users",
  "/.sesame\\admin\\api\\users",
  "/.sesame/admin/api/users?limit=1",
  "/static/../.sesame/admin/api/users",
  "/.sesame/admin/api/users/%2e%2e",
  "/.sesame/link",
  "/.sesame/login/../admin/api/users",
  "/%2esesame/admin/api/users",
];

function traversal(rng: Rng): string {
  const start = rng.pick(["/static", "/healthz", "/favicon.ico", "/.sesame", "", "/app"]);
  const depth = rng.int(1, 4);
  let path = start;
  for (let i = 0; i < depth; i++) path += rng.pick(SLASHES) + rng.pick(DOTS);
  path += rng.pick(SLASHES) + rng.pick(TARGETS);
  // The request line always starts with "/": what follows it is the attacker's.
  return path.startsWith("/") ? path : `/${path}`;
}

function randomPath(rng: Rng): string {
  const segments = Array.from({ length: rng.int(1, 6) }, () =>
    rng.string(rng.pick([ALPHABETS.printable, ALPHABETS.unicode, "./%\\;2ef", ALPHABETS.control]), rng.int(0, 12)),
  );
  return `/${segments.join("/")}`;
}

/** `count` paths (each starting with "/", ready to append to the edge's origin). */
export function* hostilePaths(rng: Rng, count: number): Generator<{ kind: string; path: string }> {
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    if (roll < 0.3) yield { kind: "public-escape", path: rng.pick(PUBLIC_ESCAPES) };
    else if (roll < 0.55) yield { kind: "traversal", path: traversal(rng) };
    else if (roll < 0.7) yield { kind: "prefix", path: rng.pick(PREFIX_PATHS) };
    else if (roll < 0.75)
      yield {
        kind: "long",
        path: `/${rng.pick(["static/", "app/", ".sesame/", "", "static/../"])}${rng.pick(["a", "../", "%2e%2e/", "%"]).repeat(rng.pick([1000, 4000, 8000, 16_000]))}`,
      };
    else if (roll < 0.9) yield { kind: "random", path: randomPath(rng) };
    else {
      // A public escape with one more twist.
      const base = rng.pick(PUBLIC_ESCAPES);
      const at = rng.int(1, base.length);
      yield {
        kind: "public-escape-mutated",
        path: base.slice(0, at) + rng.pick([...SLASHES, ...DOTS, "%00", "%", "%%", "?", "#", ";", "@"]) + base.slice(at),
      };
    }
  }
}
