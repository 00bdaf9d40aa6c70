/**
 * `next`: where to send the browser after sign-in. Only a same-site relative path is ever
 * returned; anything else becomes "/". Allow-list, not deny-list:
 *
 * - the value as given must be a plain path: one leading "/", nothing slash-like after it,
 *   no backslash, no white space, control or invisible character (browsers strip tabs and
 *   newlines from URLs, so `/\t/evil.com` would become `//evil.com`);
 * - every percent-decoded layer (`/%2F%2Fevil.com`, `/%252F...`) must still start like a
 *   path, in case the origin decodes `next` and redirects again;
 * - its NFKC form too (`／／evil.com` folds to `//evil.com` in some layers);
 * - and what the WHATWG URL parser makes of it (dot segments: `/a/../..//evil.com`
 *   resolves to `//evil.com`) must be a path on our own origin, whose decoded layers pass
 *   the same checks (`/.%2e/%2fevil.com` resolves to `/%2fevil.com`).
 */
import { CONFIG_KEYS } from "../config";

/** Longer values are not worth parsing: no real return path is this long. */
const MAX_NEXT_LENGTH = 2048;

/** The fall-back destination. */
const DEFAULT_NEXT = "/";

// "\" and the characters that look like "/" or "\": ⁄ ∕ ⧸ ⧵ ⧹ ╱ ﹨ ／ ＼.
const SLASH_LOOK_ALIKES = String.raw`\\\u2044\u2215\u29f8\u29f5\u29f9\u2571\ufe68\uff0f\uff3c`;
const SLASH_LIKE = new RegExp(`[/${SLASH_LOOK_ALIKES}]`);
// Control characters, Unicode white space other than " ", and invisible formatting characters.
const INVISIBLE = String.raw`\u0000-\u001f\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff`;
const UNSAFE_CHARS = new RegExp(`[ ${INVISIBLE}]`, "g");
const LOOK_ALIKE = new RegExp(`[${INVISIBLE}${SLASH_LOOK_ALIKES}]`);
const BASE = "https://next.invalid";
const MAX_DECODE_LAYERS = 4;

/**
 * Returns `raw` normalised as a path (+ query + fragment) on this site, or "/".
 * Paths under `authPrefix` (the sign-in pages themselves) also give "/": a sign-in never
 * lands on logout, or on another sign-in link. The one exception is `authPrefix/continue/<value>`,
 * whose route checks the value's signature and allow-list before it goes anywhere
 * (src/login/continue.ts).
 */
export function safeNext(raw: unknown, authPrefix: string = CONFIG_KEYS.AUTH_PREFIX): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_NEXT_LENGTH) return DEFAULT_NEXT;
  if (!isPlainPath(raw)) return DEFAULT_NEXT;
  const rawLayer = innermostLayer(raw);
  if (rawLayer === null) return DEFAULT_NEXT;

  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return DEFAULT_NEXT;
  }
  const result = url.pathname + url.search + url.hash;
  if (url.origin !== BASE || !isPlainPath(result)) return DEFAULT_NEXT;
  // Dot segments can remove what made the value safe as given: "/.%2e/%2fevil.com" resolves
  // to "/%2fevil.com", which decodes to "//evil.com". What we return must pass the
  // decoded-layer checks itself.
  const resultLayer = result === raw ? rawLayer : innermostLayer(result);
  if (resultLayer === null) return DEFAULT_NEXT;
  if ([result, rawLayer, resultLayer].some((path) => isUnderPrefix(path, authPrefix))) return DEFAULT_NEXT;
  return result;
}

/**
 * `value` percent-decoded until nothing changes, or null when some decoded layer would not
 * start like a path (or does not decode, or there are too many layers).
 */
function innermostLayer(value: string): string | null {
  let layer = value;
  for (let i = 0; ; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(layer);
    } catch {
      return null;
    }
    if (decoded === layer) return layer;
    if (i === MAX_DECODE_LAYERS || !startsLikePath(decoded)) return null;
    layer = decoded;
  }
}

/** The strict rule for what we put in Location: see the module comment. */
function isPlainPath(value: string): boolean {
  UNSAFE_CHARS.lastIndex = 0;
  if (UNSAFE_CHARS.test(value) || value.includes("\\")) return false;
  return startsLikePath(value);
}

/**
 * The rule for decoded layers, where only the start can turn a path into another host:
 * once invisible characters are dropped and the text is NFKC-folded, exactly one leading
 * "/" and nothing slash-like after it.
 */
function startsLikePath(value: string): boolean {
  const visible = value.replace(UNSAFE_CHARS, "");
  return [visible, visible.normalize("NFKC")].every((v) => v[0] === "/" && !SLASH_LIKE.test(v[1] ?? ""));
}

/**
 * True when some reader (browser, origin, framework) may take `text` for other text: it holds
 * a control or invisible character, a look-alike of "/" or "\\", or anything NFKC folds
 * (fullwidth "．" and "／", ligatures...). The characters safeNext refuses, checked over the
 * whole text: access/canonical-path.ts uses it so that no such path is decided on (by a
 * policy, PUBLIC_PATHS or a share scope).
 * A plain space is not a look-alike.
 */
export function hasLookAlikes(text: string): boolean {
  return LOOK_ALIKE.test(text) || text.normalize("NFKC") !== text;
}

/**
 * The shape of a `continue` value (src/login/continue.ts): base64url payload, ".", a
 * base64url HMAC-SHA256. Only the shape is checked here; the route checks the rest.
 */
export const CONTINUE_VALUE = /^[A-Za-z0-9_-]{1,1900}\.[A-Za-z0-9_-]{43}$/;

function isUnderPrefix(path: string, prefix: string): boolean {
  let pathname: string;
  try {
    pathname = new URL(path.replace(UNSAFE_CHARS, ""), BASE).pathname.toLowerCase();
  } catch {
    return true;
  }
  const p = prefix.toLowerCase();
  // The one internal page a sign-in may return to: a signed `continue` value's route, which
  // checks it before redirecting to an allow-listed internal page (docs/security.md).
  if (pathname.startsWith(`${p}/continue/`) && CONTINUE_VALUE.test(pathname.slice(p.length + "/continue/".length))) return false;
  return pathname === p || pathname.startsWith(`${p}/`);
}
