/**
 * What GET AUTH_PREFIX/verify may believe of the headers a forward-auth proxy sends
 * (docs/forward-auth.md). Only /verify reads them, and only for an app of APPS marked
 * `forwardAuth`: on every other route they are client-sent and mean nothing (the gate drops
 * them before proxying, client-headers.ts).
 *
 * - The original request: X-Forwarded-Uri (Caddy, Traefik), X-Original-URI (nginx) or
 *   X-Original-URL (absolute), with X-Forwarded-Host. Every one present must agree, and every
 *   host named must be a host of the request's own app (the app of its Host): otherwise 400.
 * - The client's address and country: the last X-Forwarded-For entry (the one the proxy
 *   added) and Sesame-Forward-Auth-Country, believed only when Sesame-Forward-Auth-Secret
 *   matches FORWARD_AUTH_SECRET (compared in constant time).
 */
import type { CompiledApp } from "../access";
import { parseIp } from "../access/ip-range";
import type { Config } from "../config";
import { BadRequestError } from "../errors";
import { timingSafeEqualSecrets } from "../tokens";

const FORWARD_AUTH_SECRET_HEADER = "Sesame-Forward-Auth-Secret";
const FORWARD_AUTH_COUNTRY_HEADER = "Sesame-Forward-Auth-Country";

/** The request the proxy asks about. */
interface OriginalRequest {
  /** Path and query as the client sent them (for `next`). */
  pathAndQuery: string;
  /** The path decide() reads: the client's own, never rewritten by us. */
  pathname: string;
}

const ABSOLUTE_URL = /^https?:\/\/([^/?#@\s]+)(.*)$/i;

function ambiguous(field: string): BadRequestError {
  return new BadRequestError(field, `${field} must be the original path and query, exactly as the client sent it`);
}

/**
 * The path of `pathAndQuery`, or null when a URL parser would read it as another path (dot
 * segments, a backslash, spaces, a fragment): the proxy passes the raw URI on to the app, so
 * what is decided must be exactly what the app receives.
 */
function pathOf(pathAndQuery: string): string | null {
  const query = pathAndQuery.indexOf("?");
  const path = query === -1 ? pathAndQuery : pathAndQuery.slice(0, query);
  if (!path.startsWith("/") || pathAndQuery.includes("#")) return null;
  // An absolute base and a path starting with "/": the URL parser never throws on this.
  const parsed = new URL(`http://forward-auth.invalid${path}`).pathname;
  return parsed === path ? path : null;
}

/**
 * The original request of a forward-auth question for `app`, the app of the request's own
 * host. Throws 400 naming the header when one is missing, ambiguous, disagrees with another,
 * or names a host of another app.
 */
export function readOriginalRequest(config: Config, app: CompiledApp, request: Request): OriginalRequest {
  const uris: Array<[string, string]> = [];
  const hosts: Array<[string, string]> = [];
  for (const name of ["X-Forwarded-Uri", "X-Original-URI"]) {
    const value = request.headers.get(name);
    if (value !== null) uris.push([name, value]);
  }
  const originalUrl = request.headers.get("X-Original-URL");
  if (originalUrl !== null) {
    const absolute = ABSOLUTE_URL.exec(originalUrl);
    if (absolute) {
      hosts.push(["X-Original-URL", absolute[1] as string]);
      uris.push(["X-Original-URL", absolute[2] || "/"]);
    } else uris.push(["X-Original-URL", originalUrl]);
  }
  const forwardedHost = request.headers.get("X-Forwarded-Host");
  if (forwardedHost !== null) hosts.push(["X-Forwarded-Host", forwardedHost]);

  const [first, ...others] = uris;
  if (!first)
    throw new BadRequestError("X-Forwarded-Uri", "forward-auth needs the original URI: X-Forwarded-Uri, X-Original-URI or X-Original-URL");
  for (const [name, value] of others) {
    if (value !== first[1]) throw new BadRequestError(name, `${name} disagrees with ${first[0]}`);
  }
  for (const [name, host] of hosts) {
    // One host, one of this app's: the app was chosen by the request's Host, and the session
    // cookie is bound to that host (docs/access.md).
    if (host.includes(",") || config.access.appForHost(host) !== app) {
      throw new BadRequestError(name, `${name} names a host that is not one of this app's hosts`);
    }
  }
  const pathname = pathOf(first[1]);
  if (pathname === null) throw ambiguous(first[0]);
  return { pathAndQuery: first[1], pathname };
}

/**
 * The client's address and country as the proxy reports them, or null when the proxy did not
 * prove itself with FORWARD_AUTH_SECRET (config.ts requires the secret for an app whose
 * policies read them). Null for both when `app`'s policies read neither.
 */
export async function forwardedClient(
  config: Config,
  app: CompiledApp,
  request: Request,
): Promise<{ ip: string | null; country: string | null } | null> {
  if (!app.readsClientAddress) return { ip: null, country: null };
  const secret = config.origin.forwardAuthSecret;
  const sent = request.headers.get(FORWARD_AUTH_SECRET_HEADER);
  if (secret === null || sent === null || !(await timingSafeEqualSecrets(sent, secret))) return null;
  // split() always gives at least one entry: the last is the one the proxy added.
  const last = ((request.headers.get("X-Forwarded-For") ?? "").split(",").pop() as string).trim();
  const country = (request.headers.get(FORWARD_AUTH_COUNTRY_HEADER) ?? "").trim().toUpperCase();
  return { ip: parseIp(last) ? last : null, country: /^[A-Z0-9]{2}$/.test(country) ? country : null };
}
