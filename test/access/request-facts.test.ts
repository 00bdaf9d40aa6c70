/**
 * What the gate hands decide() of a request (src/gate/app-of-request.ts): the address and
 * country only for an app whose policies name one, and only once a policy of the path being
 * decided asks, so the others never pay for reading Cloudflare's request metadata.
 */
import { describe, expect, it } from "vitest";
import { decide } from "../../src/access";
import { accessRequestOf, requestFacts } from "../../src/gate/app-of-request";
import { app, person, registryOf } from "./support";

/** A request whose `cf` counts how often it is read, from Germany, from 203.0.113.7. */
function countedRequest(pathname: string) {
  const counted = { reads: 0 };
  const request = {
    url: `https://wiki.example.com${pathname}`,
    headers: new Headers({ "CF-Connecting-IP": "203.0.113.7" }),
    get cf() {
      counted.reads += 1;
      return { country: "DE" };
    },
  } as unknown as Request;
  return { request, url: new URL(request.url), counted };
}

describe("accessRequestOf", () => {
  it("reads neither address nor country for an app whose policies name neither", () => {
    const wiki = registryOf([app()]).appByName("wiki")!;
    const { request, url, counted } = countedRequest("/page");
    expect(accessRequestOf(wiki, request, url)).toEqual({ pathname: "/page", ip: null, country: null });
    expect(counted.reads).toBe(0);
  });

  it("gives an app with a country rule the country, and its policy decides on it", () => {
    const policies = [
      { name: "germany only", path: "/*", action: "deny" as const, include: [{ everyone: true as const }], exclude: [{ country: "DE" }] },
      { name: "staff", path: "/*", action: "allow" as const, include: [{ everyone: true as const }] },
    ];
    const wiki = registryOf([app({ policies })]).appByName("wiki")!;
    const { request, url, counted } = countedRequest("/page");
    const facts = accessRequestOf(wiki, request, url);
    expect(facts).toEqual({ pathname: "/page", ip: "203.0.113.7", country: "DE" });
    expect(counted.reads).toBe(1);
    expect(decide(wiki, person("a@example.com"), facts)).toEqual({ decision: "allow", policy: "staff" });
    expect(decide(wiki, person("a@example.com"), { ...facts, country: "FR" })).toEqual({ decision: "deny", policy: "germany only" });
  });

  it("reads them only when a policy of the path being decided names one", () => {
    const policies = [
      { name: "items", path: "/items/*", action: "allow" as const, include: [{ emailDomain: "example.com" }] },
      { name: "office", path: "/office/*", action: "allow" as const, include: [{ ip: "203.0.113.0/24" }, { country: "DE" }] },
    ];
    const wiki = registryOf([app({ policies })]).appByName("wiki")!;
    const items = countedRequest("/items/42");
    const itemsFacts = accessRequestOf(wiki, items.request, items.url);
    expect(decide(wiki, null, itemsFacts)).toEqual({ decision: "sign-in", policy: "items" });
    expect(decide(wiki, person("a@example.com"), itemsFacts)).toEqual({ decision: "allow", policy: "items" });
    expect(items.counted.reads).toBe(0);
    const office = countedRequest("/office/desk");
    const officeFacts = accessRequestOf(wiki, office.request, office.url);
    expect(decide(wiki, null, officeFacts)).toEqual({ decision: "sign-in", policy: "office" });
    expect(decide(wiki, person("a@example.com"), officeFacts)).toEqual({ decision: "allow", policy: "office" });
    expect(office.counted.reads).toBe(1);
  });

  it("gives an app with an ip rule the address", () => {
    const policies = [{ name: "office", path: "/*", action: "allow" as const, include: [{ ip: "203.0.113.0/24" }] }];
    const wiki = registryOf([app({ policies })]).appByName("wiki")!;
    const { request, url } = countedRequest("/page");
    expect(accessRequestOf(wiki, request, url).ip).toBe("203.0.113.7");
    expect(requestFacts(request, url)).toEqual({ pathname: "/page", ip: "203.0.113.7", country: "DE" });
  });
});
