/**
 * The one question the gate asks (docs/access.md, "How a request is decided"): given the
 * app, who is asking (null: nobody signed in) and the request, what happens? Pure and
 * synchronous: it reads nothing that authentication did not already read.
 */
import { isPublicPath } from "../gate/paths";
import { canonicalPath } from "./canonical-path";
import { parseIp } from "./ip-range";
import type { AccessPrincipal, AccessRequest, CompiledApp, CompiledPolicy, Decision, ParsedIp, SelectorTest } from "./types";

/**
 * The policies of the most specific path pattern that covers `path`: an exact pattern, else
 * the `/x/*` with the longest literal part (walking up one segment at a time), else none.
 */
function policiesFor(app: CompiledApp, path: string): readonly CompiledPolicy[] | null {
  const exact = app.exact.get(path);
  if (exact) return exact;
  let literal = path;
  for (;;) {
    const list = app.prefix.get(literal);
    if (list) return list;
    if (literal === "") return null;
    literal = literal.slice(0, literal.lastIndexOf("/"));
  }
}

/** Kleene logic over selectors: null ("unknown") only arises for a request nobody signed in to. */
function any(tests: readonly SelectorTest[], p: AccessPrincipal | null, r: AccessRequest, ip: () => ParsedIp | null): boolean | null {
  let unknown = false;
  for (const test of tests) {
    const result = test(p, r, ip);
    if (result === true) return true;
    if (result === null) unknown = true;
  }
  return unknown ? null : false;
}

function all(tests: readonly SelectorTest[], p: AccessPrincipal | null, r: AccessRequest, ip: () => ParsedIp | null): boolean | null {
  let unknown = false;
  for (const test of tests) {
    const result = test(p, r, ip);
    if (result === false) return false;
    if (result === null) unknown = true;
  }
  return unknown ? null : true;
}

/** include (any) and require (all) and not exclude (any). */
function selects(policy: CompiledPolicy, p: AccessPrincipal | null, r: AccessRequest, ip: () => ParsedIp | null): boolean | null {
  const included = any(policy.include, p, r, ip);
  if (included === false) return false;
  const required = policy.require.length === 0 ? true : all(policy.require, p, r, ip);
  if (required === false) return false;
  const excluded = policy.exclude.length === 0 ? false : any(policy.exclude, p, r, ip);
  if (excluded === true) return false;
  return included === true && required === true && excluded === false ? true : null;
}

/**
 * What decide() reads of a request's path: for the implicit app whether PUBLIC_PATHS has it,
 * for an app of APPS its canonical form (null: ambiguous). The gate asks twice per request
 * (as nobody, then with the principal), so it is worked out once per request, app and path.
 */
interface PathFacts {
  app: CompiledApp;
  pathname: string;
  isPublic: boolean;
  canonical: string | null;
}
const pathFacts = new WeakMap<AccessRequest, PathFacts>();

function pathFactsOf(app: CompiledApp, request: AccessRequest): PathFacts {
  const known = pathFacts.get(request);
  if (known && known.app === app && known.pathname === request.pathname) return known;
  const { pathname } = request;
  const facts = app.implicit
    ? { app, pathname, isPublic: isPublicPath(app.legacyPublicPaths, pathname), canonical: null }
    : { app, pathname, isPublic: false, canonical: canonicalPath(pathname) };
  pathFacts.set(request, facts);
  return facts;
}

/**
 * Decides a request. Within the most specific path, policies are tried in declared order
 * (an app's publicPaths first) and the first that selects the principal decides:
 * - `allow`: allow; `deny`: deny; `bypass`: public, no identity sent;
 * - `service`: allow for a service token, and for anyone else the policy is passed over;
 * - with nobody signed in, a policy that needs an identity to decide answers `sign-in`.
 * No policy selects: deny. The implicit app (no APPS) allows every signed-in user.
 */
export function decide(app: CompiledApp, principal: AccessPrincipal | null, request: AccessRequest): Decision {
  const { isPublic, canonical: path } = pathFactsOf(app, request);
  if (app.implicit) {
    if (isPublic) return { decision: "bypass", policy: null };
    return { decision: principal ? "allow" : "sign-in", policy: null };
  }
  if (path === null) return { decision: "bad-path", policy: null };
  const policies = policiesFor(app, path);
  if (!policies) return { decision: "deny", policy: null };
  let parsed: ParsedIp | null | undefined;
  const ip = () => {
    if (parsed === undefined) parsed = request.ip ? parseIp(request.ip) : null;
    return parsed;
  };
  for (const policy of policies) {
    const selected = selects(policy, principal, request, ip);
    if (selected === false) continue;
    if (selected === null) return { decision: "sign-in", policy: policy.name };
    switch (policy.action) {
      case "bypass":
        return { decision: "bypass", policy: policy.name };
      case "deny":
        return { decision: "deny", policy: policy.name };
      case "allow":
        return { decision: principal ? "allow" : "sign-in", policy: policy.name };
      case "service":
        if (!principal) return { decision: "sign-in", policy: policy.name };
        if (principal.amr === "service") return { decision: "allow", policy: policy.name };
        continue;
    }
  }
  return { decision: "deny", policy: null };
}
