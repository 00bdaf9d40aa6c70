/**
 * The apps `npm run dev` serves (scripts/lib/demo-apps.mjs, README "npm run dev"): a valid
 * APPS by the worker's own validation, deciding as the dev banner says. The script cannot
 * import the worker's TypeScript at run time, so this holds the two together.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DEMO_APP_NOTES, DEMO_GROUP, demoApps, demoAppUrl } from "../../scripts/lib/demo-apps.mjs";
import { decide } from "../../src/access";
import { person, problemsOf, registryOf, request } from "../access/support";

const ORIGIN = "http://127.0.0.1:8788";

describe("the demo apps of npm run dev", () => {
  const registry = registryOf(demoApps({ authHost: "localhost", originUrl: ORIGIN }));
  const appFor = (host: string) => registry.appForHost(host)!;

  it("are a valid APPS, for the auth host localhost and for a LAN address from .dev.vars", () => {
    expect(problemsOf(demoApps({ authHost: "localhost", originUrl: ORIGIN }))).toEqual([]);
    expect(problemsOf(demoApps({ authHost: "192.168.1.20", originUrl: ORIGIN }))).toEqual([]);
  });

  it("keep the auth host's protected page, and 127.0.0.1 where examples/origin fetches the keys", () => {
    for (const host of ["localhost:8787", "127.0.0.1:8787"]) {
      expect(appFor(host).name).toBe("home");
      expect(decide(appFor(host), null, request("/")).decision).toBe("sign-in");
      expect(decide(appFor(host), person("demo@example.com"), request("/")).decision).toBe("allow");
    }
    expect(registryOf(demoApps({ authHost: "192.168.1.20", originUrl: ORIGIN })).appForHost("192.168.1.20")?.name).toBe("home");
  });

  it("serve the wiki to every signed-in user", () => {
    expect(appFor("wiki.localhost:8787").name).toBe("wiki");
    expect(decide(appFor("wiki.localhost"), person("demo@example.com"), request("/admin/x")).decision).toBe("allow");
    expect(DEMO_APP_NOTES.wiki).toMatch(/every signed-in user/);
  });

  it(`keep the tools app's /admin/ for the group ${DEMO_GROUP}, as the banner says`, () => {
    const tools = appFor("tools.localhost");
    expect(decide(tools, person("demo@example.com"), request("/")).decision).toBe("allow");
    expect(decide(tools, person("demo@example.com"), request("/admin")).decision).toBe("deny");
    expect(decide(tools, person("demo@example.com"), request("/admin/x")).decision).toBe("deny");
    expect(decide(tools, person("demo@example.com", [DEMO_GROUP]), request("/admin/x"))).toMatchObject({
      decision: "allow",
      policy: "admins",
    });
    expect(DEMO_APP_NOTES.tools).toContain(`/admin/ only for the group ${DEMO_GROUP}`);
  });

  it("let anyone fetch /favicon.ico and /healthz, as wrangler.toml's PUBLIC_PATHS do for the single app", () => {
    for (const host of ["localhost", "wiki.localhost", "tools.localhost"]) {
      expect(decide(appFor(host), null, request("/healthz")).decision).toBe("bypass");
      expect(decide(appFor(host), null, request("/favicon.ico")).decision).toBe("bypass");
    }
  });

  it("are printed at their *.localhost names on the dev port", () => {
    const apps = demoApps({ authHost: "localhost", originUrl: ORIGIN }).slice(1);
    expect(apps.map((app) => demoAppUrl(app, 8787))).toEqual(["http://wiki.localhost:8787/", "http://tools.localhost:8787/"]);
  });
});

describe("npm run dev --single-app", () => {
  it("is offered, for the one implicit app without APPS", () => {
    const run = spawnSync(process.execPath, ["scripts/dev.mjs", "--help"], { encoding: "utf8", timeout: 15_000 });
    expect(run.stdout).toMatch(/--single-app .*APPS stays unset/);
  });
});
