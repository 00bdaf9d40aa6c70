/**
 * Compiling apps once per isolate (docs/access.md): hosts into two maps (exact names, and
 * wildcards by the name below their `*`), policies into per-path lists in evaluation order,
 * selectors into small functions. decide() then does map lookups and a short walk.
 */
import { parseIpRange } from "./ip-range";
import { policiesWithPublicPaths } from "./parse-apps";
import type { AppDefinition, CompiledApp, CompiledPolicy, PolicyDefinition, Selector, SelectorTest } from "./types";

/** Every app of the deployment, and the questions asked of them on each request. */
export interface AccessRegistry {
  /** True when the apps come from APPS; false for the one implicit app of ORIGIN_URL. */
  configured: boolean;
  apps: readonly CompiledApp[];
  /** Groups that some policy names: the only ones a session needs to carry. */
  policyGroups: ReadonlySet<string>;
  /** The app serving `host` (a host name, with or without port), or null. */
  appForHost(host: string): CompiledApp | null;
  appByName(name: string): CompiledApp | null;
}

/** A Host header or URL host reduced to the name apps are matched on: lower case, no port, no trailing dot. */
export function hostnameOf(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith("[")) return name.slice(0, name.indexOf("]") + 1);
  const colon = name.lastIndexOf(":");
  if (colon !== -1) name = name.slice(0, colon);
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

function compileSelector(selector: Selector): SelectorTest {
  if ("everyone" in selector) return () => true;
  if ("email" in selector) {
    const email = selector.email.trim().toLowerCase();
    return (p) => (p ? p.email === email : null);
  }
  if ("emailDomain" in selector) {
    const domain = selector.emailDomain.toLowerCase();
    return (p) => (p ? p.email.slice(p.email.lastIndexOf("@") + 1) === domain : null);
  }
  if ("group" in selector) {
    const group = selector.group;
    return (p) => (p ? p.groups.includes(group) : null);
  }
  if ("amr" in selector) {
    const amr = selector.amr;
    return (p) => (p ? p.amr === amr : null);
  }
  if ("ip" in selector) {
    // Validated before compiling; a range that still fails to parse matches nobody.
    const inRange = parseIpRange(selector.ip);
    return (_p, _r, ipOf) => {
      const ip = ipOf();
      return ip !== null && inRange?.(ip) === true;
    };
  }
  const country = selector.country;
  return (_p, request) => request.country === country;
}

function compilePolicy(policy: PolicyDefinition): CompiledPolicy {
  return {
    name: policy.name,
    action: policy.action,
    include: policy.include.map(compileSelector),
    require: (policy.require ?? []).map(compileSelector),
    exclude: (policy.exclude ?? []).map(compileSelector),
  };
}

function compileApp(app: AppDefinition): CompiledApp {
  const exact = new Map<string, CompiledPolicy[]>();
  const prefix = new Map<string, CompiledPolicy[]>();
  for (const policy of policiesWithPublicPaths(app)) {
    const wildcard = policy.path.endsWith("/*");
    const map = wildcard ? prefix : exact;
    const key = wildcard ? policy.path.slice(0, -2) : policy.path;
    const list = map.get(key) ?? [];
    list.push(compilePolicy(policy));
    map.set(key, list);
  }
  const origin = new URL(app.origin);
  return {
    name: app.name,
    hosts: app.hosts.map((host) => host.toLowerCase()),
    originText: app.origin,
    origin,
    audience: app.audience ?? origin.origin,
    forwardAuth: app.forwardAuth ?? false,
    readsClientAddress: app.policies.some((policy) => selectorsOf(policy).some((s) => "ip" in s || "country" in s)),
    implicit: false,
    exact,
    prefix,
    legacyPublicPaths: [],
  };
}

function selectorsOf(policy: PolicyDefinition): Selector[] {
  return [...policy.include, ...(policy.require ?? []), ...(policy.exclude ?? [])];
}

/**
 * Compiles validated apps (validateApps). Host conflicts are problems here: the same name
 * (or the same wildcard) claimed twice, within one app or across two.
 */
export function compileApps(definitions: AppDefinition[], problems: string[]): AccessRegistry | null {
  const apps = definitions.map(compileApp);
  const exactHosts = new Map<string, { app: CompiledApp; at: string }>();
  const wildcardHosts = new Map<string, { app: CompiledApp; at: string }>();
  const before = problems.length;
  apps.forEach((app, i) => {
    app.hosts.forEach((host, j) => {
      const at = `APPS[${i}].hosts[${j}]`;
      const wildcard = host.startsWith("*.");
      const map = wildcard ? wildcardHosts : exactHosts;
      const key = wildcard ? host.slice(2) : host;
      const earlier = map.get(key);
      if (earlier)
        problems.push(`${at} ${JSON.stringify(host)} is already claimed by ${earlier.at} (app ${JSON.stringify(earlier.app.name)})`);
      else map.set(key, { app, at });
    });
  });
  if (problems.length > before) return null;
  const policyGroups = new Set<string>();
  for (const definition of definitions) {
    for (const policy of definition.policies) {
      for (const selector of selectorsOf(policy)) if ("group" in selector) policyGroups.add(selector.group);
    }
  }
  const byName = new Map(apps.map((app) => [app.name, app]));
  return {
    configured: true,
    apps,
    policyGroups,
    appForHost(host) {
      const name = hostnameOf(host);
      const exact = exactHosts.get(name);
      if (exact) return exact.app;
      const dot = name.indexOf(".");
      return dot > 0 ? (wildcardHosts.get(name.slice(dot + 1))?.app ?? null) : null;
    },
    appByName: (name) => byName.get(name) ?? null,
  };
}

/**
 * Without APPS: one app on every host, from ORIGIN_URL, PUBLIC_PATHS and ASSERTION_AUDIENCE,
 * letting every signed-in user in (PUBLIC_PATHS keep their own pattern rules, docs/gate.md).
 */
export function implicitRegistry(input: { originText: string; origin: URL; audience: string; publicPaths: string[] }): AccessRegistry {
  const app: CompiledApp = {
    name: "default",
    hosts: ["*"],
    originText: input.originText,
    origin: input.origin,
    audience: input.audience,
    forwardAuth: true,
    readsClientAddress: false,
    implicit: true,
    exact: new Map(),
    prefix: new Map(),
    legacyPublicPaths: input.publicPaths,
  };
  return {
    configured: false,
    apps: [app],
    policyGroups: new Set(),
    appForHost: () => app,
    appByName: (name) => (name === app.name ? app : null),
  };
}
