/**
 * Answers to a request nobody authenticated (docs/gate.md): a browser navigation
 * goes to the sign-in page with `next`; everything else gets 401 JSON with
 * WWW-Authenticate, so API clients and scripts never receive an HTML login page.
 */
import type { Config } from "../config";
import { isAppHost, startHandoff } from "../handoff";
import { wantsHtml } from "../http/request-info";
import { safeNext } from "../http/safe-next";

/** Headers on every answer the gate itself gives. */
export const GATE_ANSWER_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "no-referrer",
  "X-Content-Type-Options": "nosniff",
};

/** True for a GET/HEAD a browser makes to show a page (never a WebSocket handshake). */
export function isNavigation(request: Request): boolean {
  return (request.method === "GET" || request.method === "HEAD") && wantsHtml(request) && !request.headers.has("Upgrade");
}

/**
 * The sign-in URL that brings the user back to `pathAndQuery` afterwards. The request path
 * goes through the same check as any `next` (safe-next.ts): `//evil.example/x` comes back as "/".
 */
export function loginUrl(config: Config, pathAndQuery: string): string {
  return `${config.authPrefix}/login?next=${encodeURIComponent(safeNext(pathAndQuery, config.authPrefix))}`;
}

/** A quoted-string (RFC 9110 section 5.6.4) for the realm: the app name may hold quotes. */
function quoted(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips control characters from a quoted-string on purpose
  return `"${value.replace(/[\\"]/g, (ch) => `\\${ch}`).replace(/[\u0000-\u001f\u007f]/g, "")}"`;
}

/** 401 JSON; `invalidToken` adds RFC 6750 section 3.1's error="invalid_token" when a bearer was refused. */
export function unauthenticatedResponse(config: Config, options: { invalidToken: boolean }): Response {
  const challenge = `Bearer realm=${quoted(config.appName)}${options.invalidToken ? ', error="invalid_token"' : ""}`;
  return new Response(JSON.stringify({ error: "unauthenticated", message: "Sign in, or send a valid token." }), {
    status: 401,
    headers: { ...GATE_ANSWER_HEADERS, "Content-Type": "application/json; charset=utf-8", "WWW-Authenticate": challenge },
  });
}

/**
 * 302 to the sign-in page for browser navigations, 401 for everything else, including a
 * navigation whose bearer token was refused: whoever sent one is a client that cannot use
 * a sign-in page, and RFC 6750 section 3.1 asks us to say the token is invalid.
 */
export async function refuseRequest(config: Config, request: Request, pathAndQuery: string, invalidToken: boolean): Promise<Response> {
  if (isNavigation(request) && !invalidToken) {
    // An app host has no sign-in page: it signs in through the auth host (docs/access.md).
    if (isAppHost(config, new URL(request.url))) return startHandoff(config, request, pathAndQuery);
    return new Response(null, { status: 302, headers: { ...GATE_ANSWER_HEADERS, Location: loginUrl(config, pathAndQuery) } });
  }
  return unauthenticatedResponse(config, { invalidToken });
}
