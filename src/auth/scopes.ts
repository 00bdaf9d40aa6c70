/**
 * The token scopes the edge mints and accepts, named once (docs/tokens.md). A token of one
 * scope is never accepted where another is expected.
 */

/** Magic links that sign a user in (the scope django-sesame's login tokens have). */
export const LOGIN_SCOPE = "";
/** Sign-up links: the subject is a pending login request, not a user (src/login/signup-token.ts). */
export const SIGNUP_SCOPE = "signup";
/** Service tokens, used as bearers; minted only by the service-tokens endpoint, which keeps a row. */
export const API_SCOPE = "api";
/**
 * Share links: `path:<app>:/x` under APPS, `path:/x` without (the one implicit app). The path
 * is `/x` (that path) or `/x/*` (that folder), src/gate/paths.ts. The scope is inside the
 * token's MAC, so the app a link belongs to cannot be edited (docs/access.md, "Share links").
 */
export const PATH_SCOPE_PREFIX = "path:";

/** A share link's scope, read: its app (null: no APPS) and its path pattern. */
export interface ShareScope {
  app: string | null;
  path: string;
}

/** The scope of a share link for `path` on the app named `app` (null without APPS). */
export function shareScope(app: string | null, path: string): string {
  return `${PATH_SCOPE_PREFIX}${app === null ? "" : `${app}:`}${path}`;
}

/**
 * The app and path of a share scope, or null when `scope` is none. App names never hold a
 * `:` or a `/` (docs/access.md), so `path:wiki:/a:b` is the app `wiki` and the path `/a:b`.
 */
export function parseShareScope(scope: string): ShareScope | null {
  if (!scope.startsWith(PATH_SCOPE_PREFIX)) return null;
  const rest = scope.slice(PATH_SCOPE_PREFIX.length);
  if (rest.startsWith("/")) return { app: null, path: rest };
  const colon = rest.indexOf(":");
  if (colon <= 0 || rest.slice(0, colon).includes("/")) return null;
  const path = rest.slice(colon + 1);
  return path.startsWith("/") ? { app: rest.slice(0, colon), path } : null;
}
