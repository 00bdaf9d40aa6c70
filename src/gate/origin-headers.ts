/**
 * What the origin sees of the client's request headers. Anything that could carry an
 * identity is removed first (client-headers.ts says what), then the gate sets its own: an
 * origin can trust Sesame-* and X-Forwarded-* precisely because no client-sent copy, in any
 * spelling, survives this function.
 */
import type { CompiledApp } from "../access";
import type { Config } from "../config";
import { withoutEdgeCookies } from "../http/cookies";
import { headerKey, mayReachOrigin } from "./client-headers";
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
  /**
   * True when the request acts through a share link: the methods it may use are the link's
   * (docs/gate.md, "Share links"), so the headers with which frameworks let a POST pass for
   * another method never reach the origin then.
   */
  dropMethodOverrides?: boolean;
  /** Identity to attach; none for public paths. */
  identity?: { principal: Principal; assertion: string };
}

/** Headers with which Laravel, Symfony, Express's method-override and others let a POST act as another method. */
const METHOD_OVERRIDES = ["x-http-method-override", "x-http-method", "x-method-override"];

/** Bounds the per-isolate memo of header-name verdicts: the names are the client's to choose. */
const MAX_REMEMBERED_NAMES = 1000;

/** Per PASS_CLIENT_HEADERS set: header name -> may a client-sent field of that name reach the origin (Cookie aside)? */
const verdicts = new WeakMap<ReadonlySet<string>, Map<string, boolean>>();

/**
 * Whether a client field named `name` is copied as it is: not one clients may not send, not
 * hop-by-hop, not Cookie (filtered on its own). Remembered per name, since the same few
 * names come on every request and the check is string work (docs/benchmarks.md).
 */
function copiesField(name: string, passed: ReadonlySet<string>): boolean {
  let memo = verdicts.get(passed);
  if (!memo) {
    memo = new Map();
    verdicts.set(passed, memo);
  }
  let verdict = memo.get(name);
  if (verdict === undefined) {
    const lower = name.toLowerCase();
    verdict = mayReachOrigin(name, passed) && !HOP_BY_HOP.includes(lower) && lower !== "cookie";
    // Past the bound a name is simply checked each time: a client cannot grow the memo.
    if (memo.size < MAX_REMEMBERED_NAMES) memo.set(name, verdict);
  }
  return verdict;
}

/**
 * The URL the browser used for this app: the request's own for an app of APPS (its host
 * matched the app's hosts), PUBLIC_URL for the implicit app, as before APPS existed.
 */
export function publicUrlFor(config: Config, app: CompiledApp, url: URL): URL {
  return app.implicit ? config.publicUrl : url;
}

/** The headers for the origin request, built from the client's; `publicUrl` is publicUrlFor()'s. */
export function originRequestHeaders(config: Config, request: Request, publicUrl: URL, options: OriginHeaderOptions): Headers {
  const passed = config.origin.passClientHeaders;
  // One pass over the client's fields, which also picks up the four read below: each call into
  // the runtime's Headers costs about as much as the string work around it (docs/benchmarks.md).
  // Iteration gives lower-case names, repeated fields joined as get() joins them.
  const copied: [string, string][] = [];
  let connection: string | null = null;
  let cookie: string | null = null;
  let upgrade = "";
  let ip = "";
  request.headers.forEach((value, name) => {
    if (name === "connection") connection = value;
    else if (name === "cookie") cookie = value;
    else if (name === "upgrade") upgrade = value;
    else if (name === "cf-connecting-ip") ip = value.trim();
    if (!copiesField(name, passed)) return;
    if (options.dropAuthorization && name === "authorization") return;
    if (options.dropMethodOverrides && METHOD_OVERRIDES.includes(headerKey(name))) return;
    copied.push([name, value]);
  });
  // Fields the client listed in Connection are hop-by-hop too (RFC 9110 section 7.6.1).
  const named = connection === null ? null : listedInConnection(connection);
  const headers = new Headers();
  for (const [name, value] of copied) if (!named?.has(name)) headers.append(name, value);
  const kept = withoutEdgeCookies(cookie);
  if (kept) headers.set("Cookie", kept);

  // A WebSocket handshake keeps its Upgrade: it is how fetch() knows to open one to the origin.
  if (upgrade.toLowerCase() === "websocket") {
    headers.set("Upgrade", "websocket");
    headers.set("Connection", "Upgrade");
  }

  // CF-Connecting-IP is set by Cloudflare itself; a client-sent X-Forwarded-For never is.
  if (ip) headers.set("X-Forwarded-For", ip);
  // The host the browser used: one the app's hosts matched (docs/access.md), or PUBLIC_URL's
  // for the implicit app. Never a client-sent X-Forwarded-Host.
  headers.set("X-Forwarded-Host", publicUrl.host);
  headers.set("X-Forwarded-Proto", publicUrl.protocol.slice(0, -1));

  if (options.identity) setIdentityHeaders(headers, config, options.identity.principal, options.identity.assertion);
  return headers;
}

/** The field names a Connection header lists, lower-cased. */
function listedInConnection(connection: string): Set<string> {
  return new Set(
    connection
      .split(",")
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Sets the identity headers on `headers`, replacing any of the same names. */
function setIdentityHeaders(headers: Headers, config: Config, principal: Principal, assertion: string): void {
  headers.set("Sesame-Assertion", assertion);
  headers.set("Sesame-User-Id", principal.userId);
  headers.set("Sesame-User-Email", principal.email);
  if (config.origin.forwardCompatHeaders) {
    headers.set("X-Forwarded-User", principal.userId);
    headers.set("X-Forwarded-Email", principal.email);
  }
}

/** The identity headers on their own, for the forward-auth answer (GET /verify). */
export function identityHeaders(config: Config, principal: Principal, assertion: string): Headers {
  const headers = new Headers();
  setIdentityHeaders(headers, config, principal, assertion);
  return headers;
}
