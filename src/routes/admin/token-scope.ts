/**
 * Which scopes the admin API will mint, and where each kind of link points. A share-link
 * path must be exactly what the gate will see in a request path, so it is checked strictly
 * here: anything a browser or URL parser would rewrite (dot segments, %-escapes, "//",
 * non-ASCII) could never match, or could match more than the operator meant.
 */
import { API_SCOPE, LOGIN_SCOPE, PATH_SCOPE_PREFIX } from "../../auth/scopes";
import type { Config } from "../../config";
import { BadRequestError } from "../../errors";
import { refuseControlCharacters } from "../../http/control-characters";
import { magicLinkUrl } from "../../login/link-url";

export const MAX_SCOPE_LENGTH = 200;

/** RFC 3986 pchar without "%" (section 3.3), plus "/": characters a path keeps verbatim. */
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()+,;=:@/]*$/;

/**
 * Validates a share path: "/reports/42", "/reports/" or "/reports/*" (everything below).
 * Returns it unchanged; throws 400 naming `field` otherwise.
 */
export function checkSharePath(path: string, field: string): string {
  const base = path.endsWith("/*") ? path.slice(0, -1) : path;
  const problem = !base.startsWith("/")
    ? "must start with /"
    : !PATH_CHARS.test(base)
      ? "may hold only letters, digits and - . _ ~ ! $ & ' ( ) + , ; = : @ / (no %, ?, #, spaces or *, except a final /*)"
      : base.includes("..")
        ? "must not contain .."
        : base.includes("//")
          ? "must not contain //"
          : /\/\.(\/|$)/.test(base)
            ? "must not contain a /./ segment"
            : null;
  if (problem) throw new BadRequestError(field, `${field} ${problem}`);
  return path;
}

/**
 * Validates a scope for POST /users/:user/tokens: "" (login), "path:/..." (share link) or
 * any other label of at most 200 characters without control characters; never "api".
 */
export function checkTokenScope(scope: string): string {
  if (scope.length > MAX_SCOPE_LENGTH) throw new BadRequestError("scope", `scope must be at most ${MAX_SCOPE_LENGTH} characters`);
  refuseControlCharacters(scope, "scope");
  if (scope === API_SCOPE) {
    throw new BadRequestError("scope", "Service tokens (scope api) are issued by POST /users/:user/service-tokens");
  }
  if (scope.startsWith(PATH_SCOPE_PREFIX)) checkSharePath(scope.slice(PATH_SCOPE_PREFIX.length), "scope");
  return scope;
}

/**
 * The URL that carries a token of `scope`: the magic link for "", the shared path for
 * "path:" scopes (a trailing /* points at the folder itself), null for any other scope.
 */
export function tokenUrl(config: Config, scope: string, token: string): string | null {
  if (scope === LOGIN_SCOPE) return magicLinkUrl(config, token);
  if (!scope.startsWith(PATH_SCOPE_PREFIX)) return null;
  const path = scope.slice(PATH_SCOPE_PREFIX.length);
  const url = new URL(path.endsWith("/*") ? path.slice(0, -2) || "/" : path, config.publicUrl);
  url.searchParams.set("sesame", token);
  return url.href;
}
