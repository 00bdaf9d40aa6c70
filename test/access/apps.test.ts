import { describe, expect, it } from "vitest";
import { loadAccess } from "../../src/access";
import { app, problemsOf, registryOf } from "./support";

describe("APPS validation", () => {
  it("accepts the documented example", () => {
    const registry = registryOf([
      {
        name: "wiki",
        hosts: ["wiki.example.com", "*.wiki.example.com"],
        origin: "https://wiki-origin.internal.example",
        audience: "https://wiki.example.com",
        publicPaths: ["/static/*"],
        policies: [
          { name: "admins", path: "/admin/*", action: "allow", include: [{ group: "admins" }] },
          {
            name: "staff",
            path: "/*",
            action: "allow",
            include: [{ emailDomain: "example.com" }],
            exclude: [{ email: "ex@example.com" }],
          },
        ],
      },
    ]);
    const wiki = registry.appByName("wiki")!;
    expect(wiki.audience).toBe("https://wiki.example.com");
    expect(wiki.originText).toBe("https://wiki-origin.internal.example");
    expect([...registry.policyGroups]).toEqual(["admins"]);
  });

  it("defaults the audience to the origin's origin, as ASSERTION_AUDIENCE does", () => {
    expect(registryOf([app({ origin: "https://origin.example:8443/base/" })]).appByName("wiki")!.audience).toBe(
      "https://origin.example:8443",
    );
  });

  it("keeps the origin exactly as written", () => {
    expect(registryOf([app({ origin: "https://Origin.Example/base/" })]).appByName("wiki")!.originText).toBe(
      "https://Origin.Example/base/",
    );
  });

  it.each([
    ["not JSON", "[{", "APPS is not valid JSON"],
    ["an empty list", [], "APPS must be a non-empty JSON array"],
    ["an object", { name: "wiki" }, "APPS must be a non-empty JSON array"],
    ["a bad name", [app({ name: "Wiki!" })], "APPS[0].name must be"],
    ["no hosts", [app({ hosts: [] })], "APPS[0].hosts must be a non-empty array"],
    ["a host with a port", [app({ hosts: ["wiki.example.com:8443"] })], "APPS[0].hosts[0] must be a host name"],
    ["a wildcard of two labels", [app({ hosts: ["*.*.example.com"] })], "APPS[0].hosts[0] must be a host name"],
    ["a bare wildcard on a top-level domain", [app({ hosts: ["*.com"] })], "APPS[0].hosts[0] must be a host name"],
    ["a relative origin", [app({ origin: "/x" })], "APPS[0].origin must be an absolute http(s) URL"],
    ["an origin with credentials", [app({ origin: "https://u:p@o.example" })], "APPS[0].origin must not hold credentials"],
    ["an origin with a query", [app({ origin: "https://o.example/?a=1" })], "APPS[0].origin must not have a query"],
    ["a misspelt field", [{ ...app(), polices: [] }], "APPS[0].polices is not a field of an app"],
    ["no policies", [app({ policies: [] })], "APPS[0].policies must list at least one policy"],
    ["a bad public path", [app({ publicPaths: ["/static/../admin"] })], "APPS[0].publicPaths[0] must be a path"],
    ["a non-boolean forwardAuth", [{ ...app(), forwardAuth: "yes" }], "APPS[0].forwardAuth must be true or false"],
    ["two apps of one name", [app(), app({ hosts: ["other.example.com"] })], 'APPS[1].name "wiki" is used by an earlier app'],
  ])("names the app and field for %s", (_what, apps, expected) => {
    const problems = problemsOf(apps);
    expect(
      problems.some((p) => p.startsWith(expected)),
      problems.join("\n"),
    ).toBe(true);
  });

  const withPolicy = (policy: Record<string, unknown>) => [
    app({ hosts: ["a.example.com"] }),
    app({ name: "second", policies: [{ name: "ok", path: "/*", action: "allow", include: [{ everyone: true }] }, policy as never] }),
  ];
  const base = { name: "p", path: "/*", action: "allow", include: [{ everyone: true }] };

  it.each([
    ["an unknown action", { ...base, action: "permit" }, "APPS[1].policies[1].action must be one of allow, deny, bypass, service"],
    ["no include", { ...base, include: [] }, "APPS[1].policies[1].include must list at least one selector"],
    ["a path without slash", { ...base, path: "admin/*" }, "APPS[1].policies[1].path must be a path"],
    ["a mid-path wildcard", { ...base, path: "/a/*/b" }, "APPS[1].policies[1].path must be a path"],
    ["a prefix wildcard", { ...base, path: "/a*" }, "APPS[1].policies[1].path must be a path"],
    ["an escaped path", { ...base, path: "/%61dmin/*" }, "APPS[1].policies[1].path must be a path"],
    ["a dot segment", { ...base, path: "/a/../b" }, "APPS[1].policies[1].path must be a path"],
    ["a fullwidth slash", { ...base, path: "/a\uff0fb" }, "APPS[1].policies[1].path must be a path"],
    ["a trailing slash", { ...base, path: "/a/" }, "APPS[1].policies[1].path must be a path"],
    [
      "two keys in a selector",
      { ...base, include: [{ email: "a@b.c", group: "x" }] },
      "APPS[1].policies[1].include[0] must be an object with exactly one",
    ],
    ["an unknown selector", { ...base, include: [{ role: "x" }] }, "APPS[1].policies[1].include[0] must be an object with exactly one"],
    ["everyone: false", { ...base, include: [{ everyone: false }] }, "APPS[1].policies[1].include[0].everyone must be true"],
    ["a bad email", { ...base, include: [{ email: "nobody" }] }, "APPS[1].policies[1].include[0].email must be an email address"],
    [
      "a domain with @",
      { ...base, include: [{ emailDomain: "@example.com" }] },
      "APPS[1].policies[1].include[0].emailDomain must be a domain",
    ],
    [
      "a wildcard domain",
      { ...base, include: [{ emailDomain: "*.example.com" }] },
      "APPS[1].policies[1].include[0].emailDomain must be a domain",
    ],
    ["a bad group", { ...base, require: [{ group: "Admins" }] }, "APPS[1].policies[1].require[0].group must be a group name"],
    ["a bad amr", { ...base, require: [{ amr: "password" }] }, "APPS[1].policies[1].require[0].amr must be one of"],
    ["a bad range", { ...base, exclude: [{ ip: "203.0.113.7/24" }] }, "APPS[1].policies[1].exclude[0].ip must be an IP range"],
    ["a bad country", { ...base, exclude: [{ country: "de" }] }, "APPS[1].policies[1].exclude[0].country must be a two-letter"],
    ["exclude not a list", { ...base, exclude: { ip: "10.0.0.0/8" } }, "APPS[1].policies[1].exclude must be an array"],
    [
      "a bypass that needs an identity",
      { ...base, action: "bypass", include: [{ group: "x" }] },
      "APPS[1].policies[1].include[0].group: a bypass policy sends no identity",
    ],
    ["a misspelt field", { ...base, exlude: [] }, "APPS[1].policies[1].exlude is not a field of a policy"],
    ["a repeated name", { ...base, name: "ok" }, 'APPS[1].policies[1].name "ok" is used by an earlier policy'],
  ])("names the app, rule and field for %s", (_what, policy, expected) => {
    const problems = problemsOf(withPolicy(policy));
    expect(
      problems.some((p) => p.startsWith(expected)),
      problems.join("\n"),
    ).toBe(true);
  });

  it("refuses a host claimed twice, within an app or across two, naming both", () => {
    expect(problemsOf([app({ hosts: ["wiki.example.com", "WIKI.example.com"] })])).toEqual([
      'APPS[0].hosts[1] "wiki.example.com" is already claimed by APPS[0].hosts[0] (app "wiki")',
    ]);
    expect(problemsOf([app({ hosts: ["*.example.com"] }), app({ name: "b", hosts: ["*.example.com"] })])).toEqual([
      'APPS[1].hosts[0] "*.example.com" is already claimed by APPS[0].hosts[0] (app "wiki")',
    ]);
  });

  it("reads the bundled file through the same validation, and says where the problem is", () => {
    const problems: string[] = [];
    expect(
      loadAccess(
        undefined,
        problems,
        () => {
          throw new Error("no");
        },
        [app({ name: "BAD" })],
      ),
    ).toBeNull();
    expect(problems).toEqual([expect.stringMatching(/^APPS\[0\]\.name must be .*\(in apps\.json\)$/)]);
  });

  it("refuses APPS set both as a variable and in the file", () => {
    const problems: string[] = [];
    loadAccess(
      JSON.stringify([app()]),
      problems,
      () => {
        throw new Error("no");
      },
      [app()],
    );
    expect(problems).toEqual(["APPS is set both as a variable and in apps.json: keep one of them"]);
  });

  it("takes APPS as a JSON value too, as wrangler.toml can give it", () => {
    const problems: string[] = [];
    expect(
      loadAccess(
        [app()],
        problems,
        () => {
          throw new Error("no");
        },
        null,
      )?.appByName("wiki"),
    ).toBeTruthy();
    expect(problems).toEqual([]);
  });
});

describe("hosts", () => {
  const registry = registryOf([
    app({ name: "wiki", hosts: ["wiki.example.com", "*.wiki.example.com"] }),
    app({ name: "special", hosts: ["special.wiki.example.com"] }),
    app({ name: "tools", hosts: ["tools.example.org"] }),
  ]);
  const nameFor = (host: string) => registry.appForHost(host)?.name ?? null;

  it("matches exact names, ignoring case, port and a trailing dot", () => {
    expect(nameFor("wiki.example.com")).toBe("wiki");
    expect(nameFor("WIKI.Example.com:8443")).toBe("wiki");
    expect(nameFor("wiki.example.com.")).toBe("wiki");
    expect(nameFor("tools.example.org")).toBe("tools");
  });

  it("matches a wildcard on exactly one label, and lets an exact name beat it", () => {
    expect(nameFor("team.wiki.example.com")).toBe("wiki");
    expect(nameFor("a.b.wiki.example.com")).toBeNull();
    expect(nameFor("special.wiki.example.com")).toBe("special");
  });

  it("finds no app for any other host", () => {
    expect(nameFor("example.com")).toBeNull();
    expect(nameFor("evilwiki.example.com")).toBeNull();
    expect(nameFor("wiki.example.com.evil.example")).toBeNull();
    expect(nameFor("[::1]:8787")).toBeNull();
    expect(nameFor("")).toBeNull();
  });
});
