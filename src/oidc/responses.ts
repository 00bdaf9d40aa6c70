/**
 * How the provider answers relying parties: RFC 6749 section 5.2 error bodies, with
 * `Cache-Control: no-store` (section 5.1), and CORS for the endpoints a browser app may call
 * (token and userinfo: they are authenticated by what the caller holds, never by a cookie).
 */

/** Any origin may call token and userinfo: no cookie is ever read there, so `*` grants nothing. */
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
  "Access-Control-Max-Age": "600",
};

/** RFC 6749 section 5.1: token answers are never cached. */
const NO_STORE: Readonly<Record<string, string>> = { "Cache-Control": "no-store", Pragma: "no-cache" };

/** The error codes of RFC 6749 section 5.2 and OpenID Connect Core section 3.1.2.6 that this provider uses. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_token"
  | "access_denied"
  | "unsupported_response_type"
  | "login_required"
  | "request_not_supported"
  | "request_uri_not_supported";

export function oauthJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...NO_STORE, ...CORS_HEADERS, "Content-Type": "application/json; charset=utf-8", ...headers },
  });
}

/** An RFC 6749 section 5.2 error. The description is a fixed sentence: never a token or a value from the request. */
export function oauthError(error: OAuthErrorCode, description: string, status = 400, headers: Record<string, string> = {}): Response {
  return oauthJson({ error, error_description: description }, status, headers);
}

/** The answer to a CORS preflight. */
export function corsPreflight(): Response {
  return new Response(null, { status: 204, headers: { ...CORS_HEADERS } });
}
