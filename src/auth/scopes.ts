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
/** Share links: `path:/x` (that path) or `path:/x/*` (that folder), src/gate/paths.ts. */
export const PATH_SCOPE_PREFIX = "path:";
