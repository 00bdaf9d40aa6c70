/**
 * Who is asking: the session cookie, then `Authorization: Bearer <service token>`, then a
 * share token: on a GET or HEAD the share cookie, or `?sesame=` on a request that cannot be
 * redirected (an Upgrade: from the app's own pages only); on another method only the share
 * cookie of a link issued for that method, and only from the app's own pages (docs/gate.md,
 * "Share links").
 * The first that verifies wins; none of them ever creates a session.
 */
import type { CompiledApp } from "../access";
import type { TokenDeps } from "../auth/token-service";
import { readEdgeCookie } from "../http/cookies";
import { isSameOriginRequest } from "../middleware/csrf";
import { decodeBase64url } from "../tokens";
import { MAX_TOKEN_CHARS, parseTokenBytes } from "../tokens/format";
import type { Principal } from "./principal";
import { authenticateSession } from "./session-auth";
import { authenticateServiceToken, authenticateShareToken } from "./token-auth";

export interface AuthenticateOptions {
  /** The request's app: a share scope must name it. */
  app: CompiledApp;
  /** The raw URL pathname share scopes are matched against. */
  pathname: string;
  /** Accept share tokens (cookie or `shareToken`); off for /verify and /me-like answers. */
  allowShare: boolean;
  /**
   * The origin the app's pages are served from (publicUrlFor's): a share credential on a method
   * other than GET or HEAD, or on a request with Upgrade, counts only on a request from it.
   * Without it, never.
   */
  appOrigin?: string;
  /** A `?sesame=` token to try last (requests that are not redirected to move it into a cookie). */
  shareToken?: string | null;
}

export interface Authentication {
  principal: Principal | null;
  /** A re-issued session cookie to hand back with whatever answer follows. */
  setCookie: string | null;
  /** Authorization held one of our tokens (valid or not): it must not reach the origin. */
  authorizationIsOurs: boolean;
  /** A bearer was presented and refused: RFC 6750 section 3.1 says to say so. */
  bearerRefused: boolean;
}

/** The bearer credential in Authorization (scheme is case-insensitive, RFC 9110 section 11.1), or null. */
export function bearerToken(request: Request): string | null {
  const header = request.headers.get("Authorization");
  const match = header && /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1] ?? null;
}

/** True when `token` has the shape of a sesame token, whether or not it verifies. */
export function looksLikeSesameToken(token: string): boolean {
  if (token.length > MAX_TOKEN_CHARS) return false;
  const bytes = decodeBase64url(token);
  return bytes !== null && parseTokenBytes(bytes) !== null;
}

export async function authenticate(deps: TokenDeps, request: Request, options: AuthenticateOptions): Promise<Authentication> {
  const bearer = bearerToken(request);
  const result: Authentication = {
    principal: null,
    setCookie: null,
    authorizationIsOurs: bearer !== null && looksLikeSesameToken(bearer),
    bearerRefused: false,
  };

  const session = await authenticateSession(deps, request);
  if (session) {
    result.principal = session.principal;
    result.setCookie = session.setCookie;
    return result;
  }

  if (bearer !== null) {
    result.principal = await authenticateServiceToken(deps, bearer);
    if (result.principal) {
      result.authorizationIsOurs = true;
      return result;
    }
    result.bearerRefused = true;
  }

  if (options.allowShare) {
    // A share link reads what was shared; it acts on it (another method) only when issued for
    // that method, and then only with its cookie, from the app's own pages, so another site
    // cannot make a visitor's browser act (docs/gate.md, "Share links"). A WebSocket is both
    // reading and acting, and the share cookie (SameSite=Lax) goes with a handshake from a
    // sibling subdomain: it too must come from the app's own pages.
    const method = request.method;
    const reads = method === "GET" || method === "HEAD";
    const mustBeFromAppPage = !reads || request.headers.has("Upgrade");
    const fromAppPage = () => options.appOrigin !== undefined && isSameOriginRequest(request, options.appOrigin);
    const cookie = readEdgeCookie(request, deps.config, "share");
    const candidates = mustBeFromAppPage && !fromAppPage() ? [] : reads ? [cookie, options.shareToken] : [cookie];
    for (const token of candidates) {
      if (!token) continue;
      const share = await authenticateShareToken(deps, token, options.app, options.pathname, method);
      if (share) {
        result.principal = share.principal;
        return result;
      }
    }
  }
  return result;
}
