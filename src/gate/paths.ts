/**
 * Path matching for PUBLIC_PATHS and share-link scopes. Both decide on the canonical path
 * (src/access/canonical-path.ts, the one rule policies decide on too), and refuse to decide on
 * anything an origin might read differently from us: an ambiguous path is never public and
 * never inside a share scope (it still works when the request is authenticated another way,
 * because then the path does not grant anything).
 */
import { canonicalPath } from "../access/canonical-path";
import { parseShareScope } from "../auth/scopes";

/**
 * PUBLIC_PATHS pattern semantics, on a canonical path:
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
  const path = canonicalPath(pathname);
  return path !== null && patterns.some((pattern) => matchesPublicPattern(pattern, path));
}

/**
 * Share-link scope semantics, on a canonical path, for a request to the app named `app`
 * (null: the implicit app, no APPS):
 * - the scope's app must be the request's: `path:wiki:/x` opens nothing on another app, and an
 *   app-less `path:/x` (minted before APPS) opens nothing under APPS;
 * - "/x"   matches only /x;
 * - "/x/*" matches /x itself (the URL the admin API hands out) and anything below /x/,
 *   at a segment boundary (never /xy).
 * - `method` must be one the link allows: GET and HEAD, and those it was issued with.
 * Any other scope (login, api, labels) matches nothing.
 */
export function shareScopeMatches(scope: string, app: string | null, pathname: string, method: string): boolean {
  const share = parseShareScope(scope);
  if (share === null || share.app !== app || !share.methods.includes(method)) return false;
  const path = canonicalPath(pathname);
  if (path === null) return false;
  const pattern = share.path;
  if (pattern.endsWith("/*")) {
    const folder = pattern.slice(0, -2);
    return path === (folder || "/") || path.startsWith(`${folder}/`);
  }
  return !pattern.includes("*") && path === pattern;
}
