/**
 * Which client request headers may reach the origin (docs/gate.md, "What the origin
 * receives"). One list, read by the proxy and by the configuration check of
 * PASS_CLIENT_HEADERS. Names are compared case- and separator-insensitively, because the
 * servers behind the gate do: CGI, WSGI, PHP and Rack turn `Sesame-User-Id` and
 * `Sesame_User_Id` into the same `HTTP_SESAME_USER_ID`.
 */

/**
 * Headers only the gate may set. Sesame-* and X-Forwarded-* go by prefix: origins and their
 * frameworks trust more of that family than the gate sets (X-Forwarded-Prefix, -Uri, -Ssl,
 * -Scheme...), so no client-sent member of it may pass.
 */
const GATE_OWNED_PREFIXES = ["sesame-", "x-forwarded-"];
const GATE_OWNED_NAMES = ["x-real-ip", "forwarded", "host"];

/**
 * What other auth gates and proxies tell their origin about the client: who it is (Authelia's
 * Remote-*, oauth2-proxy's X-Auth-Request-* and GAP-Auth, Grafana's X-WEBAUTH-*, Cloudflare
 * Access's Cf-Access-*, Pomerium, AWS ALB, Azure App Service, Google IAP, authentik, Vouch,
 * the Kubernetes front proxy's X-Remote-*), where it came from (True-Client-IP and the other
 * client-IP headers) and what it asked for (X-Original-URL and X-Rewrite-URL, which IIS and
 * Symfony read instead of the request line). An origin moved from behind one of them still
 * trusts these, so a client-sent copy is dropped unless PASS_CLIENT_HEADERS names it.
 */
const OTHER_GATE_PREFIXES = [
  "remote-",
  "x-remote-",
  "x-auth-request-",
  "x-webauth-",
  "cf-access-",
  "x-pomerium-",
  "x-amzn-oidc-",
  "x-ms-client-principal",
  "x-ms-token-",
  "x-goog-authenticated-",
  "x-goog-iap-",
  "x-authentik-",
  "x-vouch-",
];
const OTHER_GATE_NAMES = [
  "gap-auth",
  "x-user",
  "x-email",
  "true-client-ip",
  "x-client-ip",
  "client-ip",
  "x-cluster-client-ip",
  "x-originating-ip",
  "x-original-forwarded-for",
  "fastly-client-ip",
  "x-forwarded",
  "x-original-url",
  "x-original-uri",
  "x-original-host",
  "x-rewrite-url",
];

/** RFC 9110 section 5.6.2 token: what a field name may be made of. */
const FIELD_NAME = /^[!#$%&'*+.^`|~0-9A-Za-z_-]+$/;

/** `name` as the servers behind the gate may read it: lower case, every separator a hyphen. */
export function headerKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "-");
}

function matches(key: string, prefixes: readonly string[], names: readonly string[]): boolean {
  return names.includes(key) || prefixes.some((prefix) => key.startsWith(prefix));
}

/** True for a header only the gate sets (any case, any separator): Sesame-*, X-Forwarded-*, Forwarded, X-Real-IP, Host. */
function isGateOwnedHeader(name: string): boolean {
  return matches(headerKey(name), GATE_OWNED_PREFIXES, GATE_OWNED_NAMES);
}

/**
 * True when a client-sent header named `name` may reach the origin. Never one with "_" in
 * its name (nginx drops those by default for the same reason) nor one the gate owns; another
 * gate's header only when `passed` (headerKey()s, from PASS_CLIENT_HEADERS) names it.
 */
export function mayReachOrigin(name: string, passed: ReadonlySet<string>): boolean {
  if (name.includes("_")) return false;
  const key = headerKey(name);
  if (matches(key, GATE_OWNED_PREFIXES, GATE_OWNED_NAMES)) return false;
  return !matches(key, OTHER_GATE_PREFIXES, OTHER_GATE_NAMES) || passed.has(key);
}

/** Why `name` cannot be listed in PASS_CLIENT_HEADERS, or null when it can. */
export function passClientHeaderProblem(name: string): string | null {
  if (!FIELD_NAME.test(name)) return "is not a header name";
  if (name.includes("_")) return "contains an underscore: such headers never reach the origin";
  if (isGateOwnedHeader(name)) return "is a header only the gate sets";
  return null;
}
