/** Helpers for the access tests: apps compiled as the worker compiles them. */
import { type AccessRegistry, loadAccess } from "../../src/access";
import type { AccessPrincipal, AccessRequest, AppDefinition } from "../../src/access/types";

const NO_IMPLICIT = () => {
  throw new Error("the implicit app was asked for");
};

/** Compiles `apps` through the APPS variable path; throws with the problems when there are any. */
export function registryOf(apps: unknown): AccessRegistry {
  const problems: string[] = [];
  const registry = loadAccess(JSON.stringify(apps), problems, NO_IMPLICIT, null);
  if (!registry) throw new Error(problems.join("\n"));
  return registry;
}

/** The problems APPS = `apps` gives (none: []). */
export function problemsOf(apps: unknown): string[] {
  const problems: string[] = [];
  loadAccess(typeof apps === "string" ? apps : JSON.stringify(apps), problems, NO_IMPLICIT, null);
  return problems;
}

/** A valid app to vary in tests. */
export function app(overrides: Partial<AppDefinition> = {}): AppDefinition {
  return {
    name: "wiki",
    hosts: ["wiki.example.com"],
    origin: "https://wiki-origin.internal.example",
    policies: [{ name: "everyone", path: "/*", action: "allow", include: [{ everyone: true }] }],
    ...overrides,
  };
}

export function person(email: string, groups: string[] = [], amr: AccessPrincipal["amr"] = "link"): AccessPrincipal {
  return { email, groups, amr };
}

export function request(pathname: string, extra: Partial<AccessRequest> = {}): AccessRequest {
  return { pathname, ip: null, country: null, ...extra };
}
