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
 * is `/x` (that path) or `/x/*` (that folder), src/gate/paths.ts. A link issued with `methods`
 * beyond GET and HEAD lists them after a space: `path:wiki:/forms/7 POST,PUT` (paths never hold
 * a space). The scope is inside the token's MAC, so neither the app a link belongs to nor what
 * it may do can be edited (docs/access.md, "Share links"; docs/gate.md, "Share links").
 */
export const PATH_SCOPE_PREFIX = "path:";

/** What every share link allows: it opens with a GET, and HEAD asks the same without the body. */
export const SHARE_READ_METHODS = ["GET", "HEAD"] as const;
/** What a share link may also be issued for, in the order its scope lists them. */
export const SHARE_ACTION_METHODS = ["POST", "PUT", "PATCH", "DELETE"] as const;

/** A share link's scope, read: its app (null: no APPS), its path pattern and the methods it allows. */
export interface ShareScope {
  app: string | null;
  path: string;
  /** GET and HEAD, then the action methods it was issued for, in SHARE_ACTION_METHODS order. */
  methods: readonly string[];
}

/**
 * The scope of a share link for `path` on the app named `app` (null without APPS), allowing
 * `actions` (methods of SHARE_ACTION_METHODS, in its order) besides GET and HEAD.
 */
export function shareScope(app: string | null, path: string, actions: readonly string[] = []): string {
  const methods = actions.length > 0 ? ` ${actions.join(",")}` : "";
  return `${PATH_SCOPE_PREFIX}${app === null ? "" : `${app}:`}${path}${methods}`;
}

/**
 * The app, path and methods of a share scope, or null when `scope` is none. App names never
 * hold a `:` or a `/` (docs/access.md), so `path:wiki:/a:b` is the app `wiki` and the path
 * `/a:b`. A method list must be exactly what shareScope writes (known, upper case, in order,
 * once each), so one meaning has one spelling.
 */
export function parseShareScope(scope: string): ShareScope | null {
  if (!scope.startsWith(PATH_SCOPE_PREFIX)) return null;
  const space = scope.indexOf(" ");
  const rest = scope.slice(PATH_SCOPE_PREFIX.length, space === -1 ? undefined : space);
  const methods = space === -1 ? SHARE_READ_METHODS : withActions(scope.slice(space + 1));
  if (methods === null) return null;
  if (rest.startsWith("/")) return { app: null, path: rest, methods };
  const colon = rest.indexOf(":");
  if (colon <= 0 || rest.slice(0, colon).includes("/")) return null;
  const path = rest.slice(colon + 1);
  return path.startsWith("/") ? { app: rest.slice(0, colon), path, methods } : null;
}

/** GET, HEAD and the action methods `list` names ("POST,PUT"), or null when it is not a list shareScope writes. */
function withActions(list: string): readonly string[] | null {
  const actions = list.split(",");
  let last = -1;
  for (const method of actions) {
    const index = (SHARE_ACTION_METHODS as readonly string[]).indexOf(method);
    if (index <= last) return null;
    last = index;
  }
  return [...SHARE_READ_METHODS, ...actions];
}
