/**
 * Who is asking: the session cookie, then `Authorization: Bearer <service token>`, then a
 * share token on a GET or HEAD (the share cookie, or `?sesame=` on a request that cannot be
 * redirected).
 * The first that verifies wins; none of them ever creates a session.
 */
import type { CompiledApp } from "../access";
import type { TokenDeps } from "../auth/token-service";
import { readEdgeCookie } from "../http/cookies";
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
  /** Accept share tokens (cookie or `shareToken`) on GET and HEAD; off for /verify and /me-like answers. */
  allowShare: boolean;
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

  // A share link lets someone read what was shared, never act on it (docs/gate.md, "Share links").
  const readOnly = request.method === "GET" || request.method === "HEAD";
  if (options.allowShare && readOnly) {
    const candidates = [readEdgeCookie(request, deps.config, "share"), options.shareToken];
    for (const token of candidates) {
      if (!token) continue;
      const share = await authenticateShareToken(deps, token, options.app, options.pathname);
      if (share) {
        result.principal = share.principal;
        return result;
      }
    }
  }
  return result;
}
