/**
 * Path matching for PUBLIC_PATHS and share-link scopes. Both decide on a *normalised* path,
 * and refuse to decide on anything an origin might read differently from us: a path that
 * could mean something else after another decoding step or a dot-segment collapse is never
 * public and never inside a share scope (it still works when the request is authenticated
 * another way, because then the path does not grant anything).
 */
import { parseShareScope } from "../auth/scopes";
import { hasLookAlikes } from "../http/safe-next";

/** Percent-escapes that would survive our one decoding step as something an origin re-decodes. */
const ENCODED_SEPARATOR = /%(2f|5c|2e|00)/i;
const LEFTOVER_ESCAPE = /%[0-9a-f]{2}/i;

/**
 * The request path decoded once, or null when it is ambiguous: invalid or overlong UTF-8
 * (decodeURIComponent is strict), a control or invisible character, a backslash or any
 * look-alike of "/" or "\\", text that NFKC folds (fullwidth "．"), "//", "..", a "."
 * segment, an encoded slash, backslash or dot, or an escape left over after decoding
 * (double encoding).
 * `pathname` is URL.pathname, which the URL parser has already resolved dot segments in.
 */
export function normalizePath(pathname: string): string | null {
  if (!pathname.startsWith("/") || ENCODED_SEPARATOR.test(pathname)) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  // Look-alikes (fullwidth "．" and "／", invisible characters...) are refused as safeNext refuses them.
  if (hasLookAlikes(decoded) || decoded.includes("//") || decoded.includes("..")) return null;
  if (LEFTOVER_ESCAPE.test(decoded)) return null;
  if (decoded.split("/").some((segment) => segment === ".")) return null;
  return decoded;
}

/**
 * PUBLIC_PATHS pattern semantics, on a normalised path:
 * - "/x"   matches only /x;
 * - "/x/*" matches /x/ and anything below it (a segment boundary: not /x, not /xy);
 * - "/x*"  is a plain string prefix: /x, /xy, /x/y.
 */
export function matchesPublicPattern(pattern: string, path: string): boolean {
  if (pattern.endsWith("/*")) return path.startsWith(pattern.slice(0, -1));
  if (pattern.endsWith("*")) return path.startsWith(pattern.slice(0, -1));
  return path === pattern;
}

/** True when the raw URL pathname is unambiguous and matches one of `patterns`. */
export function isPublicPath(patterns: readonly string[], pathname: string): boolean {
  if (patterns.length === 0) return false;
  const path = normalizePath(pathname);
  return path !== null && patterns.some((pattern) => matchesPublicPattern(pattern, path));
}

/**
 * Share-link scope semantics, on a normalised path, for a request to the app named `app`
 * (null: the implicit app, no APPS):
 * - the scope's app must be the request's: `path:wiki:/x` opens nothing on another app, and an
 *   app-less `path:/x` (minted before APPS) opens nothing under APPS;
 * - "/x"   matches only /x;
 * - "/x/*" matches /x itself (the URL the admin API hands out) and anything below /x/,
 *   at a segment boundary (never /xy).
 * Any other scope (login, api, labels) matches nothing.
 */
export function shareScopeMatches(scope: string, app: string | null, pathname: string): boolean {
  const share = parseShareScope(scope);
  if (share === null || share.app !== app) return false;
  const path = normalizePath(pathname);
  if (path === null) return false;
  const pattern = share.path;
  if (pattern.endsWith("/*")) {
    const folder = pattern.slice(0, -2);
    return path === (folder || "/") || path.startsWith(`${folder}/`);
  }
  return !pattern.includes("*") && path === pattern;
}
