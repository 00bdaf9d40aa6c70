/**
 * Apps and access policies (docs/access.md): the shapes of `APPS` as an operator writes
 * them, and the compiled form the gate asks `decide()` of.
 */
/**
 * How a principal signed in: the values of the sessions' AuthMethod, spelt out here because
 * config.ts (which Node-side scripts import) compiles APPS and must not pull in the worker's
 * storage types.
 */
export type AuthMethod = "link" | "code" | "service" | "share";

export type PolicyAction = "allow" | "deny" | "bypass" | "service";

/** One selector: exactly one key per object, as written in APPS. */
export type Selector =
  | { everyone: true }
  | { email: string }
  | { emailDomain: string }
  | { group: string }
  | { amr: AuthMethod }
  | { ip: string }
  | { country: string };

export interface PolicyDefinition {
  name: string;
  /** `/x` (exactly), `/x/*` (/x and below) or `/*` (everything). */
  path: string;
  action: PolicyAction;
  /** Any must match. */
  include: Selector[];
  /** All must match. */
  require?: Selector[];
  /** None may match. */
  exclude?: Selector[];
}

export interface AppDefinition {
  name: string;
  hosts: string[];
  origin: string;
  audience?: string;
  publicPaths?: string[];
  policies: PolicyDefinition[];
  forwardAuth?: boolean;
}

/** Who asks, as far as access rules care. Null in decide() means nobody signed in. */
export interface AccessPrincipal {
  email: string;
  amr: AuthMethod;
  /** The principal's groups that some policy names (see groupsNamedByPolicies). */
  groups: readonly string[];
}

/** What decide() reads of the request: nothing authentication did not already read. */
export interface AccessRequest {
  /** The raw URL pathname (`new URL(request.url).pathname`). */
  pathname: string;
  /** The client address Cloudflare reports (CF-Connecting-IP), or null. */
  ip: string | null;
  /** ISO 3166-1 alpha-2 code from `request.cf.country`, or null. */
  country: string | null;
}

/**
 * - `allow`: proxy with identity; `bypass`: proxy without identity (public);
 * - `deny`: refused (403 when signed in); `sign-in`: nobody is signed in and a sign-in could
 *   change the answer; `bad-path`: the path is ambiguous (400).
 */
type DecisionKind = "allow" | "deny" | "bypass" | "sign-in" | "bad-path";

export interface Decision {
  decision: DecisionKind;
  /** The policy that decided; null when none matched (deny), for the implicit app, or bad-path. */
  policy: string | null;
}

/** A compiled selector: true, false, or (for a request nobody signed in to) unknown. */
/** `ip()` parses the request's address on first use: only an `ip` selector asks for it. */
export type SelectorTest = (principal: AccessPrincipal | null, request: AccessRequest, ip: () => ParsedIp | null) => boolean | null;

export interface CompiledPolicy {
  name: string;
  action: PolicyAction;
  include: SelectorTest[];
  require: SelectorTest[];
  exclude: SelectorTest[];
}

/** An IP address as a 128-bit number (IPv4 mapped into ::ffff:0:0/96). */
export interface ParsedIp {
  value: bigint;
  v4: boolean;
}

/** One app, compiled once per isolate. */
export interface CompiledApp {
  name: string;
  /** The hosts as written (wildcards included). */
  hosts: readonly string[];
  /** The origin exactly as written in APPS (or ORIGIN_URL): the handoff binds to this string. */
  originText: string;
  origin: URL;
  audience: string;
  forwardAuth: boolean;
  /** Some policy of the app has an `ip` or `country` selector (forward-auth must then prove its proxy). */
  readsClientAddress: boolean;
  /** True for the app made from ORIGIN_URL / PUBLIC_PATHS when APPS is not set. */
  implicit: boolean;
  /** Exact-path policies by canonical path, each list in evaluation order. */
  exact: ReadonlyMap<string, readonly CompiledPolicy[]>;
  /** `/x/*` policies by their literal part ("" for `/*`), each list in evaluation order. */
  prefix: ReadonlyMap<string, readonly CompiledPolicy[]>;
  /** The implicit app's PUBLIC_PATHS, with the pattern rules PUBLIC_PATHS always had. */
  legacyPublicPaths: readonly string[];
}
