import { describe, expect, it } from "vitest";
import doc from "../../docs/access.md?raw";
import { decide } from "../../src/access";
import { person, problemsOf, registryOf, request } from "./support";

/** Every ```json block of docs/access.md that holds a list of apps. */
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as unknown[]);

describe("docs/access.md", () => {
  it("has worked examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  it.each(examples.map((apps, i) => [i, apps] as const))("example %i is a valid APPS", (_i, apps) => {
    expect(problemsOf(apps)).toEqual([]);
  });

  it("decides the Cloudflare Access example as the page says", () => {
    const wiki = registryOf(examples[1]).appByName("wiki")!;
    expect(decide(wiki, person("a@example.com", ["admins"]), request("/admin/x")).policy).toBe("admins");
    expect(decide(wiki, person("a@example.com"), request("/admin/x")).decision).toBe("deny");
    expect(decide(wiki, person("ex@example.com"), request("/page")).decision).toBe("deny");
    expect(decide(wiki, person("ci-bot@example.com", [], "service"), request("/api/x")).decision).toBe("allow");
    expect(decide(wiki, null, request("/static/app.css")).decision).toBe("bypass");
  });

  it("decides the Authelia example as the page says", () => {
    const registry = registryOf(examples[2]);
    expect(decide(registry.appForHost("public.example.com")!, null, request("/x")).decision).toBe("bypass");
    const secure = registry.appForHost("secure.example.com")!;
    expect(decide(secure, person("a@b.c", ["admins"]), request("/admin")).decision).toBe("allow");
    expect(decide(secure, person("a@b.c"), request("/page", { ip: "10.1.2.3" })).decision).toBe("allow");
    expect(decide(secure, person("a@b.c"), request("/page", { ip: "192.0.2.1" })).decision).toBe("deny");
  });
});
