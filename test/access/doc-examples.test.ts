/**
 * docs/access.md's worked examples are real APPS values: each ```json block passes the
 * worker's validation, and the examples of "Moving from other gates" decide the requests
 * their text describes.
 */
import { describe, expect, it } from "vitest";
import doc from "../../docs/access.md?raw";
import { decide } from "../../src/access";
import { person, problemsOf, registryOf, request } from "./support";

/** Every ```json block of docs/access.md that holds a list of apps. */
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as unknown[]);

/** The first ```json block under the `### title` heading. */
function exampleUnder(title: string): unknown[] {
  const section = doc.split(/^### /m).find((part) => part.startsWith(`${title}\n`));
  const block = section && /```json\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error(`no json block under "### ${title}"`);
  return JSON.parse(block) as unknown[];
}

describe("docs/access.md", () => {
  it("has worked examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(4);
  });

  it.each(examples.map((apps, i) => [i, apps] as const))("example %i is a valid APPS", (_i, apps) => {
    expect(problemsOf(apps)).toEqual([]);
  });

  it("decides the Cloudflare Access example as the page says", () => {
    const wiki = registryOf(exampleUnder("Cloudflare Access")).appForHost("wiki.example.com")!;
    expect(decide(wiki, person("a@example.com", ["admins"]), request("/admin/x")).policy).toBe("admins");
    expect(decide(wiki, person("a@example.com", ["admins"]), request("/admin")).decision).toBe("allow");
    expect(decide(wiki, person("a@example.com"), request("/admin/x")).decision).toBe("deny");
    expect(decide(wiki, person("a@example.com"), request("/page")).decision).toBe("allow");
    expect(decide(wiki, person("a@sub.example.com"), request("/page")).decision).toBe("deny");
    expect(decide(wiki, person("ex@example.com"), request("/page")).decision).toBe("deny");
    expect(decide(wiki, person("ex@example.com"), request("/static/app.css")).decision).toBe("bypass");
    expect(decide(wiki, person("ci-bot@example.com", [], "service"), request("/api/x")).decision).toBe("allow");
    expect(decide(wiki, person("a@example.com"), request("/api/x")).decision).toBe("deny");
    expect(decide(wiki, null, request("/static/app.css")).decision).toBe("bypass");
    expect(decide(wiki, null, request("/page")).decision).toBe("sign-in");
  });

  it("decides the Authelia example as the page says", () => {
    const registry = registryOf(exampleUnder("Authelia"));
    expect(decide(registry.appForHost("public.example.com")!, null, request("/x")).decision).toBe("bypass");
    const secure = registry.appForHost("secure.example.com")!;
    const office = { ip: "10.1.2.3" };
    const away = { ip: "192.0.2.1" };
    expect(decide(secure, person("a@b.c", ["admins"]), request("/admin", away)).decision).toBe("allow");
    expect(decide(secure, person("a@b.c", ["admins"]), request("/admin/x", away)).decision).toBe("allow");
    expect(decide(secure, person("a@b.c", ["admins"]), request("/page", away)).decision).toBe("deny");
    // Authelia's third rule lets anyone on the network reach /admin too.
    expect(decide(secure, person("a@b.c"), request("/admin", office))).toMatchObject({ decision: "allow", policy: "office-admin" });
    expect(decide(secure, person("a@b.c"), request("/admin", away)).decision).toBe("deny");
    expect(decide(secure, person("a@b.c"), request("/page", office)).decision).toBe("allow");
    expect(decide(secure, person("a@b.c"), request("/page", away)).decision).toBe("deny");
  });

  it("decides the oauth2-proxy example as the page says", () => {
    const registry = registryOf(exampleUnder("oauth2-proxy"));
    const grafana = registry.appForHost("grafana.example.com")!;
    expect(decide(grafana, person("a@example.com"), request("/d/x")).decision).toBe("allow");
    expect(decide(grafana, person("a@example.org"), request("/d/x")).decision).toBe("deny");
    expect(decide(grafana, null, request("/api/health")).decision).toBe("bypass");
    expect(decide(grafana, null, request("/api/healthz")).decision).toBe("sign-in");

    const admin = registry.appForHost("admin.example.com")!;
    // --email-domain (either) and --allowed-group (either): both must hold.
    expect(decide(admin, person("a@example.com", ["admins"]), request("/")).policy).toBe("com");
    expect(decide(admin, person("a@example.org", ["ops"]), request("/")).policy).toBe("org");
    expect(decide(admin, person("a@example.com"), request("/")).decision).toBe("deny");
    expect(decide(admin, person("a@example.net", ["admins"]), request("/")).decision).toBe("deny");
    // Per-route groups: /billing is for finance alone.
    expect(decide(admin, person("a@example.com", ["finance"]), request("/billing/q3")).decision).toBe("allow");
    expect(decide(admin, person("a@example.com", ["admins"]), request("/billing/q3")).decision).toBe("deny");
  });
});
