import { describe, expect, it } from "vitest";
import { decide } from "../../src/access";
import { implicitRegistry } from "../../src/access/compile";
import type { PolicyDefinition } from "../../src/access/types";
import { app, person, registryOf, request } from "./support";

const ADMIN_AND_STAFF: PolicyDefinition[] = [
  { name: "admins", path: "/admin/*", action: "allow", include: [{ group: "admins" }] },
  { name: "staff", path: "/*", action: "allow", include: [{ everyone: true }] },
];

function wiki(policies: PolicyDefinition[], extra: Parameters<typeof app>[0] = {}) {
  return registryOf([app({ policies, ...extra })]).appByName("wiki")!;
}

describe("decide: one path, many spellings", () => {
  const compiled = wiki(ADMIN_AND_STAFF);
  const admin = person("root@example.com", ["admins"]);
  const staff = person("staff@example.com");
  const pathnameOf = (raw: string) => new URL(`https://wiki.example.com${raw}`).pathname;

  it.each(["/admin", "/admin/x", "/./admin/x", "/admin/../admin/x", "/%61dmin/x", "/admin/%2e%2e/admin/x"])(
    "gives %s to the admins policy: the group is let in, everyone else is refused",
    (raw) => {
      expect(decide(compiled, admin, request(pathnameOf(raw)))).toEqual({ decision: "allow", policy: "admins" });
      expect(decide(compiled, staff, request(pathnameOf(raw)))).toEqual({ decision: "deny", policy: null });
    },
  );

  it.each([
    "//admin/x",
    "/admin%2fx",
    "/admin%2Fx",
    "/admin\uff0fx",
    "/%2561dmin/x",
    "/admin%5cx",
    "/admin%2ex",
    "/admin\u2215x",
    "/admin;x",
    "/admin;x/secret",
  ])("refuses %s as ambiguous, whoever asks", (raw) => {
    expect(decide(compiled, admin, request(pathnameOf(raw))).decision).toBe("bad-path");
    expect(decide(compiled, staff, request(pathnameOf(raw))).decision).toBe("bad-path");
    expect(decide(compiled, null, request(pathnameOf(raw))).decision).toBe("bad-path");
  });

  it("matches case-sensitively: /ADMIN/x is another path, under /*", () => {
    expect(decide(compiled, staff, request("/ADMIN/x"))).toEqual({ decision: "allow", policy: "staff" });
  });

  it("does not let /admin/* cover /administrator", () => {
    expect(decide(compiled, staff, request("/administrator"))).toEqual({ decision: "allow", policy: "staff" });
  });
});

describe("decide: which policy decides", () => {
  const alice = person("alice@example.com", ["eng"]);

  it("lets the longest literal path decide, whatever the order", () => {
    const compiled = wiki([
      { name: "all", path: "/*", action: "allow", include: [{ everyone: true }] },
      { name: "docs", path: "/docs/*", action: "deny", include: [{ everyone: true }] },
      { name: "docs-public", path: "/docs/public/*", action: "allow", include: [{ everyone: true }] },
    ]);
    expect(decide(compiled, alice, request("/x")).policy).toBe("all");
    expect(decide(compiled, alice, request("/docs/x")).policy).toBe("docs");
    expect(decide(compiled, alice, request("/docs/public/x")).policy).toBe("docs-public");
    expect(decide(compiled, alice, request("/docs/publicity")).policy).toBe("docs");
  });

  it("lets an exact path beat a wildcard with the same literal part", () => {
    const compiled = wiki([
      { name: "tree", path: "/x/*", action: "deny", include: [{ everyone: true }] },
      { name: "page", path: "/x", action: "allow", include: [{ everyone: true }] },
    ]);
    expect(decide(compiled, alice, request("/x"))).toEqual({ decision: "allow", policy: "page" });
    expect(decide(compiled, alice, request("/x/"))).toEqual({ decision: "deny", policy: "tree" });
    expect(decide(compiled, alice, request("/x/y"))).toEqual({ decision: "deny", policy: "tree" });
  });

  it("lets /x/* cover /x itself", () => {
    const compiled = wiki([{ name: "tree", path: "/x/*", action: "allow", include: [{ everyone: true }] }]);
    expect(decide(compiled, alice, request("/x")).decision).toBe("allow");
    expect(decide(compiled, alice, request("/xy")).decision).toBe("deny");
  });

  it("tries policies of the same path in declared order", () => {
    const compiled = wiki([
      { name: "no-ex", path: "/*", action: "deny", include: [{ email: "ex@example.com" }] },
      { name: "staff", path: "/*", action: "allow", include: [{ emailDomain: "example.com" }] },
    ]);
    expect(decide(compiled, person("ex@example.com"), request("/")).policy).toBe("no-ex");
    expect(decide(compiled, person("ex@example.com"), request("/")).decision).toBe("deny");
    expect(decide(compiled, alice, request("/"))).toEqual({ decision: "allow", policy: "staff" });
  });

  it("denies when no policy covers the path, and when none of the most specific selects", () => {
    const compiled = wiki([{ name: "docs", path: "/docs/*", action: "allow", include: [{ group: "writers" }] }]);
    expect(decide(compiled, alice, request("/other"))).toEqual({ decision: "deny", policy: null });
    expect(decide(compiled, alice, request("/docs/a"))).toEqual({ decision: "deny", policy: null });
  });

  it("never falls back to a less specific path when the most specific one refuses", () => {
    const compiled = wiki(ADMIN_AND_STAFF);
    expect(decide(compiled, alice, request("/admin/x")).decision).toBe("deny");
  });

  it("treats publicPaths as bypass policies, tried before the policies of the same path", () => {
    const compiled = wiki([{ name: "static", path: "/static/*", action: "deny", include: [{ everyone: true }] }, ...ADMIN_AND_STAFF], {
      publicPaths: ["/static/*", "/healthz"],
    });
    expect(decide(compiled, null, request("/static/app.css"))).toEqual({ decision: "bypass", policy: "publicPaths[0]" });
    expect(decide(compiled, alice, request("/static"))).toEqual({ decision: "bypass", policy: "publicPaths[0]" });
    expect(decide(compiled, null, request("/healthz"))).toEqual({ decision: "bypass", policy: "publicPaths[1]" });
    expect(decide(compiled, null, request("/healthz/x")).decision).toBe("sign-in");
  });
});

describe("decide: include, require, exclude", () => {
  const compiled = wiki([
    {
      name: "staff",
      path: "/*",
      action: "allow",
      include: [{ emailDomain: "example.com" }, { email: "contractor@partner.example" }],
      require: [{ amr: "link" }, { country: "DE" }],
      exclude: [{ group: "suspended" }, { ip: "192.0.2.0/24" }],
    },
  ]);
  const from = (extra: Partial<ReturnType<typeof request>> = {}) => request("/", { country: "DE", ip: "198.51.100.4", ...extra });

  it("admits when any include, every require and no exclude match", () => {
    expect(decide(compiled, person("a@example.com"), from()).decision).toBe("allow");
    expect(decide(compiled, person("contractor@partner.example"), from()).decision).toBe("allow");
  });
  it("refuses when no include matches (the domain is exact: no subdomain, no look-alike)", () => {
    expect(decide(compiled, person("a@sub.example.com"), from()).decision).toBe("deny");
    expect(decide(compiled, person("a@evil-example.com"), from()).decision).toBe("deny");
    expect(decide(compiled, person("other@partner.example"), from()).decision).toBe("deny");
  });
  it("refuses when one require fails", () => {
    expect(decide(compiled, person("a@example.com", [], "code"), from()).decision).toBe("deny");
    expect(decide(compiled, person("a@example.com"), from({ country: "FR" })).decision).toBe("deny");
    expect(decide(compiled, person("a@example.com"), from({ country: null })).decision).toBe("deny");
  });
  it("refuses when an exclude matches", () => {
    expect(decide(compiled, person("a@example.com", ["suspended"]), from()).decision).toBe("deny");
    expect(decide(compiled, person("a@example.com"), from({ ip: "192.0.2.77" })).decision).toBe("deny");
  });
});

describe("decide: actions", () => {
  it("bypass is public: decided without anyone signed in", () => {
    const compiled = wiki([{ name: "office", path: "/*", action: "bypass", include: [{ ip: "2001:db8::/32" }] }]);
    expect(decide(compiled, null, request("/", { ip: "2001:db8::5" }))).toEqual({ decision: "bypass", policy: "office" });
    expect(decide(compiled, null, request("/", { ip: "2001:db9::5" }))).toEqual({ decision: "deny", policy: null });
    expect(decide(compiled, null, request("/", { ip: null }))).toEqual({ decision: "deny", policy: null });
  });

  it("service admits service tokens only; others pass over it to the next policy", () => {
    const compiled = wiki([
      { name: "ci", path: "/api/*", action: "service", include: [{ everyone: true }] },
      { name: "humans", path: "/api/*", action: "allow", include: [{ group: "api-readers" }] },
    ]);
    expect(decide(compiled, person("ci@example.com", [], "service"), request("/api/x"))).toEqual({ decision: "allow", policy: "ci" });
    expect(decide(compiled, person("a@example.com"), request("/api/x"))).toEqual({ decision: "deny", policy: null });
    expect(decide(compiled, person("a@example.com", ["api-readers"]), request("/api/x"))).toEqual({ decision: "allow", policy: "humans" });
    expect(decide(compiled, person("s@example.com", [], "share"), request("/api/x")).decision).toBe("deny");
  });

  it("asks nobody-signed-in to sign in only when a sign-in could change the answer", () => {
    const compiled = wiki([
      { name: "blocked", path: "/*", action: "deny", include: [{ country: "KP" }] },
      { name: "admins", path: "/*", action: "allow", include: [{ group: "admins" }] },
    ]);
    expect(decide(compiled, null, request("/", { country: "KP" }))).toEqual({ decision: "deny", policy: "blocked" });
    expect(decide(compiled, null, request("/", { country: "DE" }))).toEqual({ decision: "sign-in", policy: "admins" });
  });

  it("matches amr and share links like any other principal", () => {
    const compiled = wiki([{ name: "code-only", path: "/*", action: "allow", include: [{ amr: "code" }] }]);
    expect(decide(compiled, person("a@example.com", [], "code"), request("/")).decision).toBe("allow");
    expect(decide(compiled, person("a@example.com", [], "share"), request("/")).decision).toBe("deny");
  });
});

describe("decide: the implicit app (no APPS)", () => {
  it("lets every signed-in user in and keeps PUBLIC_PATHS' own rules", async () => {
    const { loadAccess } = await import("../../src/access");
    const registry = loadAccess(
      undefined,
      [],
      () => ({
        originText: "https://origin.example",
        origin: new URL("https://origin.example"),
        audience: "https://origin.example",
        publicPaths: ["/static/*", "/assets*"],
      }),
      null,
    )!;
    const only = registry.appForHost("anything.example")!;
    expect(registry.configured).toBe(false);
    expect(decide(only, person("a@b.c"), request("/admin"))).toEqual({ decision: "allow", policy: null });
    expect(decide(only, null, request("/admin"))).toEqual({ decision: "sign-in", policy: null });
    expect(decide(only, null, request("/static/x"))).toEqual({ decision: "bypass", policy: null });
    expect(decide(only, null, request("/static")).decision).toBe("sign-in");
    expect(decide(only, null, request("/assets-v2/x")).decision).toBe("bypass");
    // No policies: an ambiguous path is not refused, it just is never public.
    expect(decide(only, person("a@b.c"), request("//static/x")).decision).toBe("allow");
    expect(decide(only, null, request("//static/x")).decision).toBe("sign-in");
  });
});

describe("decide: the same request asked again", () => {
  const wikiApp = wiki([{ name: "docs", path: "/docs/*", action: "allow", include: [{ everyone: true }] }]);
  const implicit = implicitRegistry({
    originText: "https://origin.internal.example",
    origin: new URL("https://origin.internal.example"),
    audience: "https://origin.internal.example",
    publicPaths: ["/docs/*"],
  }).apps[0]!;
  const alice = person("alice@example.com");

  it("answers each app from its own rules when one request's facts are asked of several", () => {
    const facts = request("/docs/a");
    expect(decide(implicit, null, facts)).toEqual({ decision: "bypass", policy: null });
    expect(decide(wikiApp, null, facts)).toEqual({ decision: "sign-in", policy: "docs" });
    expect(decide(implicit, alice, facts)).toEqual({ decision: "bypass", policy: null });
  });

  it("answers for the path the facts hold now", () => {
    const facts = request("/docs/a");
    expect(decide(wikiApp, alice, facts)).toEqual({ decision: "allow", policy: "docs" });
    facts.pathname = "/other";
    expect(decide(wikiApp, alice, facts)).toEqual({ decision: "deny", policy: null });
  });
});
