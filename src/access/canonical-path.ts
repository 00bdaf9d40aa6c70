/**
 * The canonical form of a request path, on which access policies decide (docs/access.md,
 * "Paths"). The URL parser has already resolved dot segments (`/./a`, `/a/../b`, and their
 * `%2e` spellings) in `URL.pathname`, and the proxy forwards that same pathname, so the
 * origin sees what we decided on. What is left here: decode the escapes once, and refuse a
 * path that an origin could read as something else.
 */

/** Escapes that decode to a separator or NUL: `/admin%2fx` may be `/admin/x` to one server and a file name to another. */
const ENCODED_SEPARATOR = /%(2f|5c|00)/i;
/** An escape still present after one decoding step: double encoding (`%2561` -> `%61`). */
const LEFTOVER_ESCAPE = /%[0-9a-f]{2}/i;
/** C0 controls and DEL: no origin agrees on what they mean in a path. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * `pathname` decoded once (so `/%61dmin` is `/admin`), or null when it is ambiguous:
 * - not starting with `/`, an encoded `/`, `\` or NUL, invalid UTF-8;
 * - after decoding: a control character, `\`, `//`, a `.` or `..` segment, a leftover escape;
 * - a Unicode look-alike: any character that NFKC normalisation changes (a fullwidth
 *   `／` or `．`, ligatures, decomposed accents), since some stacks fold them.
 * Case is kept: matching is case-sensitive.
 */
export function canonicalPath(pathname: string): string | null {
  if (!pathname.startsWith("/") || ENCODED_SEPARATOR.test(pathname)) return null;
  let decoded = pathname;
  if (pathname.includes("%")) {
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
  }
  if (hasControlCharacter(decoded) || decoded.includes("\\") || decoded.includes("//")) return null;
  if (LEFTOVER_ESCAPE.test(decoded)) return null;
  if (decoded.split("/").some((segment) => segment === "." || segment === "..")) return null;
  // ASCII is NFKC-stable: only a path with other characters pays for normalising.
  if (!/^[\x20-\x7e]*$/.test(decoded) && decoded.normalize("NFKC") !== decoded) return null;
  return decoded;
}
