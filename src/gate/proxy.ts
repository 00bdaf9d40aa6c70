/**
 * Proxying to the app's origin (APPS, or ORIGIN_URL): method, path, query and headers (as originRequestHeaders leaves
 * them); request and response bodies are streams passed straight through, never read into
 * memory; a WebSocket handshake returns the origin's socket to the client. Origin failures
 * become 502/504 answers that never name the origin's address.
 */
import type { CompiledApp } from "../access";
import type { Config } from "../config";
import { AppError } from "../errors";
import { errorResponse } from "../http/error-response";
import { strictTransportSecurityFor } from "../middleware/security-headers";
import { type OriginHeaderOptions, originRequestHeaders, publicUrlFor } from "./origin-headers";

/** The query parameter that carries share tokens: ours, so it never reaches the origin. */
const SHARE_PARAM = "sesame";

class OriginUnreachableError extends AppError {
  override name = "OriginUnreachableError";
  constructor() {
    super("origin_unreachable", 502, "The application behind this sign-in gate is not answering. Please try again shortly.");
  }
}

class OriginTimeoutError extends AppError {
  override name = "OriginTimeoutError";
  constructor() {
    super("origin_timeout", 504, "The application behind this sign-in gate took too long to answer. Please try again.");
  }
}

export interface ProxyOptions extends OriginHeaderOptions {
  /** A refreshed session cookie to hand back to the client with the origin's answer. */
  setCookie?: string | null;
}

/**
 * True when `search` cannot hold our parameter in any spelling: without "sesame" and without
 * an escape (`%73esame`), no name in it decodes to SHARE_PARAM. Spares most requests a
 * URLSearchParams (docs/benchmarks.md).
 */
function lacksShareParam(search: string): boolean {
  return search === "" || (!search.includes(SHARE_PARAM) && !search.includes("%"));
}

/** The `sesame` parameter of `url`, or null. */
export function shareTokenOf(url: URL): string | null {
  return lacksShareParam(url.search) ? null : url.searchParams.get(SHARE_PARAM);
}

/** `url`'s path and query without our `sesame` parameter (other parameters keep their order and spelling). */
export function pathAndQueryWithoutShareToken(url: URL): string {
  if (lacksShareParam(url.search) || !url.searchParams.has(SHARE_PARAM)) return url.pathname + url.search;
  const kept = url.search
    .slice(1)
    .split("&")
    .filter((pair) => pair !== "" && decodeParamName(pair.replace(/=.*/s, "")) !== SHARE_PARAM);
  return url.pathname + (kept.length > 0 ? `?${kept.join("&")}` : "");
}

function decodeParamName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, " "));
  } catch {
    return name;
  }
}

/** Each app origin's origin and base path (without trailing slashes), worked out once per isolate. */
const originBases = new WeakMap<CompiledApp, string>();

/** The origin URL for a request URL: the app origin's origin and base path, then the request's path and query. */
function originUrlFor(app: CompiledApp, url: URL): string {
  let base = originBases.get(app);
  if (base === undefined) {
    base = app.origin.origin + app.origin.pathname.replace(/\/+$/, "");
    originBases.set(app, base);
  }
  return base + pathAndQueryWithoutShareToken(url);
}

/** Forwards `request` to `app`'s origin and returns its answer, streaming both ways. */
export async function proxyToOrigin(
  config: Config,
  app: CompiledApp,
  request: Request,
  url: URL,
  options: ProxyOptions,
): Promise<Response> {
  const target = originUrlFor(app, url);
  const publicUrl = publicUrlFor(config, app, url);
  const headers = originRequestHeaders(config, request, publicUrl, options);
  const hasBody = request.method !== "GET" && request.method !== "HEAD" && request.body !== null;

  // The timeout covers the wait for the origin's response head only: a long download that
  // has started is not cut off.
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, config.origin.timeoutMs);
  let response: Response;
  try {
    response = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? request.body : null,
      // The origin's redirects are the client's business: pass them on, never follow them here.
      redirect: "manual",
      signal: controller.signal,
    });
  } catch (error) {
    // The reason (refused, DNS, reset) goes to the log; the client learns only 502 or 504.
    console.error(JSON.stringify({ level: "error", msg: timedOut ? "origin_timeout" : "origin_unreachable", error: String(error) }));
    const failure = timedOut ? new OriginTimeoutError() : new OriginUnreachableError();
    return errorResponse(failure, request, config);
  } finally {
    clearTimeout(timer);
  }

  if (response.webSocket) return response;
  const location = publicLocation(app, publicUrl.origin, response.headers.get("Location"));
  // Set here, on the one copy made below: fetch()'s headers are immutable, and the middleware
  // would otherwise fail to set them, then copy the answer twice (its own and Hono's).
  const hsts = strictTransportSecurityFor(config, response);
  // Re-wrapped (the body stays the origin's stream) only to change headers.
  if (location === null && !options.setCookie && hsts === null) return response;
  const answer = new Response(response.body, response);
  if (location !== null) answer.headers.set("Location", location);
  if (options.setCookie) answer.headers.append("Set-Cookie", options.setCookie);
  if (hsts !== null) answer.headers.set("Strict-Transport-Security", hsts);
  return answer;
}

/**
 * An origin that builds absolute redirects from the Host it saw would send the client to
 * its own private address: such a Location is pointed at the public origin instead (null
 * when there is nothing to change).
 */
function publicLocation(app: CompiledApp, publicOrigin: string, location: string | null): string | null {
  if (!location) return null;
  const origin = app.origin.origin;
  if (location === origin || location.startsWith(`${origin}/`) || location.startsWith(`${origin}?`)) {
    return publicOrigin + location.slice(origin.length);
  }
  return null;
}
