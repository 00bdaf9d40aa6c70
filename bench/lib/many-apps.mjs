/**
 * The APPS of the scale variant (issue: 50 apps of 20 policies each), shared by the gate
 * bench (which writes it to a file and hands the worker its text) and the decision
 * microbenchmark (bench/workers/access.ts). Every app has its own host and a realistic mix
 * of policies: per-area group rules, a service-only API, a public folder, an IP and a
 * country rule, and a catch-all; the request measured goes to the LAST app and is decided by
 * a policy in the middle of its list, so neither the host lookup nor the path walk is
 * flattered by being first.
 */

export const MANY_APPS = 50;
export const POLICIES_PER_APP = 20;
/** The host of the app every measured request goes to. */
export const MEASURED_HOST = `app-${MANY_APPS - 1}.bench.localhost`;
/** The path the gate bench requests; the `items` policy decides it. */
export const MEASURED_PATH = "/items/42";

/** @param {{ origin: string, apps?: number, policies?: number }} options */
export function manyApps({ origin, apps = MANY_APPS, policies = POLICIES_PER_APP }) {
  return Array.from({ length: apps }, (_, a) => {
    const list = [];
    // Per-area rules: the bulk of a real set-up, each naming its own group.
    for (let p = 0; list.length < policies - 5; p++) {
      list.push({ name: `area-${p}`, path: `/area-${p}/*`, action: "allow", include: [{ group: `app${a}-area${p}` }] });
    }
    list.push(
      {
        name: "items",
        path: "/items/*",
        action: "allow",
        include: [{ group: `app${a}-editors` }, { emailDomain: "example.com" }],
        exclude: [{ email: "former@example.com" }],
      },
      { name: "api", path: "/api/*", action: "service", include: [{ amr: "service" }] },
      { name: "static", path: "/static/*", action: "bypass", include: [{ everyone: true }] },
      { name: "office", path: "/office/*", action: "allow", include: [{ ip: "203.0.113.0/24" }, { country: "DE" }] },
      { name: "everyone-else", path: "/*", action: "deny", include: [{ everyone: true }] },
    );
    return { name: `app-${a}`, hosts: [`app-${a}.bench.localhost`], origin, audience: `https://app-${a}.example.com`, policies: list };
  });
}
