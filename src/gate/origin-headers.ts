/**
 * What the origin sees of the client's request headers. Anything that could carry an
 * identity is removed first (client-headers.ts says what), then the gate sets its own: an
 * origin can trust Sesame-* and X-Forwarded-* precisely because no client-sent copy, in any
 * spelling, survives this function.
 */
import type { CompiledApp } from "../access";
import type { Config } from "../config";
import { withoutEdgeCookies } from "../http/cookies";
import { mayReachOrigin } from "./client-headers";
import type { Principal } from "./principal";

/** RFC 9110 section 7.6.1 hop-by-hop fields, plus the legacy ones proxies still see. */
const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "proxy-authorization",
  "proxy-authenticate",
];

export interface OriginHeaderOptions {
  /** True when Authorization carried our own token: it never reaches the origin then. */
  dropAuthorization: boolean;
  /** Identity to attach; none for public paths. */
  identity?: { principal: Principal; assertion: string };
}

/**
 * The origin the browser used for this app: the request's own for an app of APPS (its host
 * matched the app's hosts), PUBLIC_URL's for the implicit app, as before APPS existed.
 */
export function publicOriginFor(config: Config, app: CompiledApp, url: URL): string {
  return app.implicit ? config.publicUrl.origin : url.origin;
}

/** The headers for the origin request, built from the client's. */
export function originRequestHeaders(config: Config, app: CompiledApp, request: Request, options: OriginHeaderOptions): Headers {
  const incoming = request.headers;
  const headers = new Headers();
  const named = new Set(
    (incoming.get("Connection") ?? "")
      .split(",")
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
  incoming.forEach((value, name) => {
    const lower = name.toLowerCase();
    if (!mayReachOrigin(name, config.origin.passClientHeaders) || HOP_BY_HOP.includes(lower)) return;
    // Fields the client listed in Connection are hop-by-hop too (RFC 9110 section 7.6.1).
    if (named.has(lower)) return;
    if (lower === "cookie" || (lower === "authorization" && options.dropAuthorization)) return;
    headers.append(name, value);
  });
  const cookie = withoutEdgeCookies(incoming.get("Cookie"));
  if (cookie) headers.set("Cookie", cookie);

  // A WebSocket handshake keeps its Upgrade: it is how fetch() knows to open one to the origin.
  if ((incoming.get("Upgrade") ?? "").toLowerCase() === "websocket") {
    headers.set("Upgrade", "websocket");
    headers.set("Connection", "Upgrade");
  }

  // CF-Connecting-IP is set by Cloudflare itself; a client-sent X-Forwarded-For never is.
  const ip = incoming.get("CF-Connecting-IP")?.trim();
  if (ip) headers.set("X-Forwarded-For", ip);
  // The host the browser used: one the app's hosts matched (docs/access.md), or PUBLIC_URL's
  // for the implicit app. Never a client-sent X-Forwarded-Host.
  const publicOrigin = new URL(publicOriginFor(config, app, new URL(request.url)));
  headers.set("X-Forwarded-Host", publicOrigin.host);
  headers.set("X-Forwarded-Proto", publicOrigin.protocol.slice(0, -1));

  if (options.identity) {
    const { principal, assertion } = options.identity;
    identityHeaders(config, principal, assertion).forEach((value, name) => {
      headers.set(name, value);
    });
  }
  return headers;
}

/** The identity headers on their own, for the forward-auth answer (GET /verify). */
export function identityHeaders(config: Config, principal: Principal, assertion: string): Headers {
  const headers = new Headers({
    "Sesame-Assertion": assertion,
    "Sesame-User-Id": principal.userId,
    "Sesame-User-Email": principal.email,
  });
  if (config.origin.forwardCompatHeaders) {
    headers.set("X-Forwarded-User", principal.userId);
    headers.set("X-Forwarded-Email", principal.email);
  }
  return headers;
}
