/**
 * Which scopes the admin API will mint, and where each kind of link points. A share-link
 * path must be exactly what the gate will see in a request path, so it is checked strictly
 * here: anything a browser or URL parser would rewrite (dot segments, %-escapes, "//",
 * non-ASCII) could never match, or could match more than the operator meant.
 */
import type { CompiledApp } from "../access";
import { API_SCOPE, LOGIN_SCOPE, PATH_SCOPE_PREFIX, parseShareScope, SHARE_ACTION_METHODS, SHARE_READ_METHODS } from "../auth/scopes";
import type { Config } from "../config";
import { BadRequestError } from "../errors";
import { refuseControlCharacters } from "../http/control-characters";
import { magicLinkUrl } from "../login/link-url";

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
 * The methods a share link is issued for besides GET and HEAD (docs/gate.md, "Share links"),
 * from the `methods` the admin gave: each one of GET, HEAD, POST, PUT, PATCH or DELETE, as HTTP
 * spells them (upper case). GET and HEAD may be listed, and are allowed anyway: the link is
 * opened with a GET. Returns the others in the order a scope lists them; 400 naming `field`.
 */
export function shareActions(methods: readonly string[], field: string): string[] {
  const known: readonly string[] = [...SHARE_READ_METHODS, ...SHARE_ACTION_METHODS];
  for (const method of methods) {
    if (!known.includes(method)) {
      throw new BadRequestError(
        field,
        `${field} may name only ${known.join(", ")} (upper case), not ${JSON.stringify(method.slice(0, 16))}`,
      );
    }
  }
  return SHARE_ACTION_METHODS.filter((method) => methods.includes(method));
}

/**
 * The app a share link belongs to (docs/access.md, "Share links"): under APPS one of its
 * apps, named (400 naming `field` otherwise) and with one exact host for the link's URL;
 * without APPS none (null), and naming one is a 400 too.
 */
export function shareLinkApp(config: Config, name: string | null, field: string): CompiledApp | null {
  if (!config.access.configured) {
    if (name !== null) throw new BadRequestError(field, `${field}: this deployment has no APPS, so share links name no app`);
    return null;
  }
  if (name === null) throw new BadRequestError(field, `${field} is required: name the app the link opens (one of APPS)`);
  const app = config.access.appByName(name);
  if (!app) throw new BadRequestError(field, `${field} ${JSON.stringify(name.slice(0, 64))} is not an app of APPS`);
  if (linkHost(app) === null) {
    throw new BadRequestError(field, `${field} ${JSON.stringify(app.name)} has only wildcard hosts: a share link needs an exact one`);
  }
  return app;
}

/** The host a link to `app` uses: its first exact host (wildcards name no one host). */
function linkHost(app: CompiledApp): string | null {
  return app.hosts.find((host) => !host.startsWith("*.")) ?? null;
}

/**
 * Validates a scope for POST /users/:user/tokens: "" (login), a share scope ("path:/..."
 * without APPS, "path:<app>:/..." with it) or any other label of at most 200 characters
 * without control characters; never "api".
 */
export function checkTokenScope(config: Config, scope: string): string {
  if (scope.length > MAX_SCOPE_LENGTH) throw new BadRequestError("scope", `scope must be at most ${MAX_SCOPE_LENGTH} characters`);
  refuseControlCharacters(scope, "scope");
  if (scope === API_SCOPE) {
    throw new BadRequestError("scope", "Service tokens (scope api) are issued by POST /users/:user/service-tokens");
  }
  if (scope.startsWith(PATH_SCOPE_PREFIX)) {
    const share = parseShareScope(scope);
    if (share === null || (share.app === null && config.access.configured)) {
      throw new BadRequestError(
        "scope",
        "scope must be path:/x without APPS, or path:<app>:/x with it, then optionally a space and the other methods it allows (POST,PUT,PATCH,DELETE, in that order)",
      );
    }
    shareLinkApp(config, share.app, "scope");
    checkSharePath(share.path, "scope");
  }
  return scope;
}

/**
 * The URL that carries a token of `scope`: the magic link for "", the shared path for share
 * scopes (a trailing /* points at the folder itself), null for any other scope. A share link
 * of an app is on the app's host, with PUBLIC_URL's scheme and port.
 */
export function tokenUrl(config: Config, scope: string, token: string): string | null {
  if (scope === LOGIN_SCOPE) return magicLinkUrl(config, token);
  const share = parseShareScope(scope);
  if (share === null) return null;
  const app = share.app === null ? null : config.access.appByName(share.app);
  const host = app ? linkHost(app) : null;
  const base = new URL(config.publicUrl.origin);
  if (host !== null) base.hostname = host;
  const path = share.path;
  const url = new URL(path.endsWith("/*") ? path.slice(0, -2) || "/" : path, base);
  url.searchParams.set("sesame", token);
  return url.href;
}
