/**
 * Validation of `APPS` (docs/access.md): the same code reads the variable (a JSON string)
 * and the build-time file (config/apps.json, already parsed). Every problem names the app
 * or rule by its index and field, like `APPS[1].policies[0].include[2].ip`, and the worker
 * refuses to serve until it is fixed.
 */
import { canonicalPath } from "./canonical-path";
import { parseIpRange } from "./ip-range";
import type { AppDefinition, PolicyAction, PolicyDefinition, Selector } from "./types";

/** App and group names: lower case, safe in a URL, a scope and a log line, never a `:`. */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const ACTIONS: readonly PolicyAction[] = ["allow", "deny", "bypass", "service"];
const AMRS = ["link", "code", "service", "share"];
const SELECTOR_KEYS = ["everyone", "email", "emailDomain", "group", "amr", "ip", "country"];
/** Selectors that need no identity: the only ones a `bypass` policy may use (it sends none). */
const ANONYMOUS_SELECTORS = new Set(["everyone", "ip", "country"]);
const APP_FIELDS = new Set(["name", "hosts", "origin", "audience", "publicPaths", "policies", "forwardAuth"]);
const POLICY_FIELDS = new Set(["name", "path", "action", "include", "require", "exclude"]);
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

type Problems = string[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The variable's text as JSON, or a problem. Empty means "not set". */
export function parseAppsJson(text: string, problems: Problems): unknown {
  try {
    return JSON.parse(text);
  } catch {
    problems.push("APPS is not valid JSON");
    return null;
  }
}

/** Checks `value` against the APPS schema; returns the apps when there is no problem. */
export function validateApps(value: unknown, problems: Problems): AppDefinition[] | null {
  const before = problems.length;
  if (!Array.isArray(value) || value.length === 0) {
    problems.push("APPS must be a non-empty JSON array of apps");
    return null;
  }
  const names = new Set<string>();
  value.forEach((app, i) => {
    validateApp(app, `APPS[${i}]`, problems);
    if (isRecord(app) && typeof app.name === "string") {
      if (names.has(app.name)) problems.push(`APPS[${i}].name ${JSON.stringify(app.name)} is used by an earlier app`);
      names.add(app.name);
    }
  });
  return problems.length === before ? (value as AppDefinition[]) : null;
}

function validateApp(app: unknown, at: string, problems: Problems) {
  if (!isRecord(app)) {
    problems.push(`${at} must be an object`);
    return;
  }
  for (const key of Object.keys(app)) if (!APP_FIELDS.has(key)) problems.push(`${at}.${key} is not a field of an app`);
  if (typeof app.name !== "string" || !NAME_PATTERN.test(app.name)) {
    problems.push(`${at}.name must be a name like "wiki" (a-z, 0-9, and _ . - after the first character; at most 64)`);
  }
  if (!Array.isArray(app.hosts) || app.hosts.length === 0) problems.push(`${at}.hosts must be a non-empty array of host names`);
  else
    app.hosts.forEach((host, j) => {
      checkHost(host, `${at}.hosts[${j}]`, problems);
    });
  checkOrigin(app.origin, `${at}.origin`, problems);
  if (app.audience !== undefined && (typeof app.audience !== "string" || app.audience.trim() === "")) {
    problems.push(`${at}.audience must be a non-empty string when set`);
  }
  if (app.forwardAuth !== undefined && typeof app.forwardAuth !== "boolean") problems.push(`${at}.forwardAuth must be true or false`);
  if (app.publicPaths !== undefined) {
    if (!Array.isArray(app.publicPaths)) problems.push(`${at}.publicPaths must be an array of paths`);
    else
      app.publicPaths.forEach((path, j) => {
        checkPathPattern(path, `${at}.publicPaths[${j}]`, problems);
      });
  }
  if (!Array.isArray(app.policies) || app.policies.length === 0) {
    problems.push(
      `${at}.policies must list at least one policy (to let every signed-in user in: { "name": "everyone", "path": "/*", "action": "allow", "include": [{ "everyone": true }] })`,
    );
    return;
  }
  const policyNames = new Set<string>();
  app.policies.forEach((policy, j) => {
    validatePolicy(policy, `${at}.policies[${j}]`, problems);
    if (isRecord(policy) && typeof policy.name === "string") {
      if (policyNames.has(policy.name))
        problems.push(`${at}.policies[${j}].name ${JSON.stringify(policy.name)} is used by an earlier policy of this app`);
      policyNames.add(policy.name);
    }
  });
}

function checkHost(host: unknown, at: string, problems: Problems) {
  const labels = typeof host === "string" ? host.toLowerCase().split(".") : [];
  const wildcard = labels[0] === "*";
  const ok =
    typeof host === "string" &&
    (!wildcard || labels.length >= 3) &&
    labels.slice(wildcard ? 1 : 0).every((label) => HOST_LABEL.test(label));
  if (!ok) {
    problems.push(
      `${at} must be a host name without port, like wiki.example.com, or one wildcard label, like *.wiki.example.com (international names in their xn-- form)`,
    );
  }
}

function checkOrigin(origin: unknown, at: string, problems: Problems) {
  let url: URL | null = null;
  try {
    url = typeof origin === "string" ? new URL(origin) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) problems.push(`${at} must be an absolute http(s) URL`);
  else if (url.username || url.password) problems.push(`${at} must not hold credentials`);
  else if (url.search || url.hash) problems.push(`${at} must not have a query or fragment`);
}

/** `/x`, `/x/*` or `/*`, whose literal part is already canonical (so it can match a canonical path). */
function checkPathPattern(path: unknown, at: string, problems: Problems) {
  const literal = typeof path === "string" ? (path.endsWith("/*") ? path.slice(0, -2) : path) : "";
  const ok =
    typeof path === "string" &&
    (path === "/*" || (literal.startsWith("/") && (literal === "/" || !literal.endsWith("/")))) &&
    !/[*?#%]/.test(literal) &&
    (path === "/*" || canonicalPath(literal) === literal);
  if (!ok) {
    problems.push(
      `${at} must be a path like /x (exactly), /x/* (/x and everything below) or /* (everything), without %-escapes, ?, #, // or dot segments`,
    );
  }
}

function validatePolicy(policy: unknown, at: string, problems: Problems) {
  if (!isRecord(policy)) {
    problems.push(`${at} must be an object`);
    return;
  }
  for (const key of Object.keys(policy)) if (!POLICY_FIELDS.has(key)) problems.push(`${at}.${key} is not a field of a policy`);
  if (typeof policy.name !== "string" || policy.name.trim() === "" || policy.name.length > 64) {
    problems.push(`${at}.name must be a non-empty string of at most 64 characters`);
  }
  checkPathPattern(policy.path, `${at}.path`, problems);
  if (typeof policy.action !== "string" || !ACTIONS.includes(policy.action as PolicyAction)) {
    problems.push(`${at}.action must be one of ${ACTIONS.join(", ")}`);
  }
  const bypass = policy.action === "bypass";
  if (!Array.isArray(policy.include) || policy.include.length === 0) {
    problems.push(`${at}.include must list at least one selector (any of them must match)`);
  } else {
    policy.include.forEach((s, k) => {
      checkSelector(s, `${at}.include[${k}]`, bypass, problems);
    });
  }
  for (const list of ["require", "exclude"] as const) {
    const selectors = policy[list];
    if (selectors === undefined) continue;
    if (!Array.isArray(selectors)) problems.push(`${at}.${list} must be an array of selectors`);
    else
      selectors.forEach((s, k) => {
        checkSelector(s, `${at}.${list}[${k}]`, bypass, problems);
      });
  }
}

function checkSelector(selector: unknown, at: string, bypass: boolean, problems: Problems) {
  const keys = isRecord(selector) ? Object.keys(selector) : [];
  const [key] = keys;
  if (!isRecord(selector) || keys.length !== 1 || key === undefined || !SELECTOR_KEYS.includes(key)) {
    problems.push(`${at} must be an object with exactly one of ${SELECTOR_KEYS.join(", ")}`);
    return;
  }
  const value = selector[key];
  const field = `${at}.${key}`;
  if (bypass && !ANONYMOUS_SELECTORS.has(key)) {
    problems.push(`${field}: a bypass policy sends no identity, so it can only use everyone, ip and country`);
    return;
  }
  const text = typeof value === "string" ? value : null;
  switch (key as keyof Selector | string) {
    case "everyone":
      if (value !== true) problems.push(`${field} must be true`);
      break;
    case "email":
      if (text === null || !/^[^\s@]+@[^\s@]+$/.test(text)) {
        problems.push(`${field} must be an email address, like a@example.com`);
      }
      break;
    case "emailDomain":
      if (text === null || !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(text.toLowerCase())) {
        problems.push(`${field} must be a domain like example.com (matched exactly: no @, no wildcard)`);
      }
      break;
    case "group":
      if (text === null || !NAME_PATTERN.test(text)) problems.push(`${field} must be a group name like "admins"`);
      break;
    case "amr":
      if (text === null || !AMRS.includes(text)) problems.push(`${field} must be one of ${AMRS.join(", ")}`);
      break;
    case "ip":
      if (text === null || parseIpRange(text) === null) {
        problems.push(`${field} must be an IP range like 203.0.113.0/24 or 2001:db8::/32 (no bits set below the prefix)`);
      }
      break;
    case "country":
      if (text === null || !/^[A-Z0-9]{2}$/.test(text)) problems.push(`${field} must be a two-letter country code in upper case, like DE`);
      break;
  }
}

/** The app's policies with its publicPaths first, as the bypass policies they are. */
export function policiesWithPublicPaths(app: AppDefinition): PolicyDefinition[] {
  const publicPolicies: PolicyDefinition[] = (app.publicPaths ?? []).map((path, i) => ({
    name: `publicPaths[${i}]`,
    path,
    action: "bypass",
    include: [{ everyone: true }],
  }));
  return [...publicPolicies, ...app.policies];
}
