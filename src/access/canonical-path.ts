/**
 * The canonical form of a request path: the one rule on which access policies, PUBLIC_PATHS and
 * share-link scopes decide (docs/access.md, "Paths"; docs/gate.md, "Public paths"). The URL
 * parser has already resolved dot segments (`/./a`, `/a/../b`, and their `%2e` spellings) in
 * `URL.pathname`, and the proxy forwards that same pathname, so the origin sees what we decided
 * on. What is left here: decode the escapes once, and refuse a path that an origin could read
 * as something else.
 */
import { hasLookAlikes } from "../http/safe-next";

/**
 * Escapes that decode to a separator, a dot or NUL: `/admin%2fx` may be `/admin/x` to one server
 * and a file name to another, and a `%2e` the URL parser left alone (inside a segment) may still
 * be collapsed into a dot segment by a decoder behind us.
 */
const ENCODED_SEPARATOR = /%(2f|5c|2e|00)/i;
/** An escape still present after one decoding step: double encoding (`%2561` -> `%61`). */
const LEFTOVER_ESCAPE = /%[0-9a-f]{2}/i;

/** True when every character is printable ASCII (space to `~`): no control, nothing NFKC changes. */
function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

/**
 * `pathname` decoded once (so `/%61dmin` is `/admin`), or null when it is ambiguous:
 * - not starting with `/`; an encoded `/`, `\`, `.` or NUL; invalid or overlong UTF-8;
 * - after decoding: `\`, `//`, `..` anywhere, a `.` segment, a `;` (path parameters, which Java
 *   servers drop from every segment and Python's `urlparse` from the last: `/admin;x` is their
 *   `/admin`), a leftover escape (double encoding);
 * - a character some reader takes for another, the ones a sign-in `next` may not hold
 *   (`hasLookAlikes`): a control or invisible character, a look-alike of `/` or `\`, and any
 *   text NFKC normalisation changes (a fullwidth `／` or `．`, ligatures, decomposed accents).
 * A plain space and an ordinary accented letter are fine. Case is kept: matching is
 * case-sensitive. A plain ASCII path (every gated request's usual case) costs no regular
 * expression and no allocation.
 */
export function canonicalPath(pathname: string): string | null {
  if (!pathname.startsWith("/")) return null;
  let decoded = pathname;
  if (pathname.includes("%")) {
    if (ENCODED_SEPARATOR.test(pathname)) return null;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    if (LEFTOVER_ESCAPE.test(decoded)) return null;
  }
  // The only look-alike printable ASCII holds is "\", checked below: anything else pays for the full check.
  if (!isPrintableAscii(decoded) && hasLookAlikes(decoded)) return null;
  if (decoded.includes("\\") || decoded.includes("//") || decoded.includes("..") || decoded.includes(";")) return null;
  if (decoded.includes("/./") || decoded.endsWith("/.")) return null;
  return decoded;
}
