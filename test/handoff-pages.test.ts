/**
 * The edge's pages on app hosts and around the handoff (docs/access.md, "One sign-in for
 * every app"): the stylesheet they link is served on the app host (their CSP allows styles
 * from their own origin only), their forms may lead on to the other hosts of the deployment
 * (browsers check form-action on every redirect of a form's navigation).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AppDefinition, PolicyDefinition } from "../src/access/types";
import { renderStylesheet } from "../src/pages/style";
import { userWithSession } from "./gate-support";
import { Browser, edgeAt } from "./support/browser";

const ORIGIN: string = env.ORIGIN_URL;
const AUTH = "http://localhost:8787";
const everyone: PolicyDefinition = { name: "everyone", path: "/*", action: "allow", include: [{ everyone: true }] };
const APPS: AppDefinition[] = [
  {
    name: "wiki",
    hosts: ["wiki.example.com", "*.wiki.example.com"],
    origin: ORIGIN,
    policies: [{ name: "admins", path: "/admin/*", action: "allow", include: [{ group: "admins" }] }, everyone],
  },
  { name: "tools", hosts: ["tools.example.org"], origin: ORIGIN, policies: [everyone] },
];
const edge = edgeAt({ APPS: JSON.stringify(APPS) });

/** The stylesheet URL a page links, resolved against the page's URL. */
async function stylesheetOf(res: Response, pageUrl: string): Promise<string> {
  const href = /<link rel="stylesheet" href="([^"]+)"/.exec(await res.text())?.[1];
  expect(href, "the page links a stylesheet").toBeDefined();
  return new URL(href!, pageUrl).href;
}

/** The sources of a response's CSP directive `name`. */
function directive(res: Response, name: string): string[] {
  const policy = res.headers.get("Content-Security-Policy") ?? "";
  const found = policy.split("; ").find((part) => part.startsWith(`${name} `));
  return found ? found.split(" ").slice(1) : [];
}

/** A browser signed in on the auth host and on wiki.example.com (through the handoff). */
async function signedInOnWiki(): Promise<Browser> {
  const { cookie } = await userWithSession();
  const browser = new Browser(edge);
  const [name, value] = cookie.split("=") as [string, string];
  browser.setCookie("localhost", name, value);
  expect((await browser.follow("http://wiki.example.com/")).res.status).toBe(200);
  return browser;
}

describe("the edge's pages on an app host", () => {
  it("serves the auth host's stylesheet, which the 403 page links on the app's own origin", async () => {
    const browser = await signedInOnWiki();
    const refused = await browser.open("http://wiki.example.com/admin/x");
    expect(refused.status).toBe(403);
    expect(directive(refused, "style-src")).toEqual(["'self'"]);
    const href = await stylesheetOf(refused, "http://wiki.example.com/admin/x");
    expect(new URL(href).origin).toBe("http://wiki.example.com");
    const sheet = await edge(href);
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get("Content-Type")).toMatch(/^text\/css/);
    expect(await sheet.text()).toBe(renderStylesheet(null));
  });

  it("styles the refused-handoff and sign-out pages of an app host the same way", async () => {
    for (const url of ["http://tools.example.org/.sesame/handoff?code=unknown", "http://tools.example.org/.sesame/logout"]) {
      const page = await edge(url, { headers: { Accept: "text/html" } });
      const sheet = await edge(await stylesheetOf(page, url));
      expect(sheet.status, url).toBe(200);
      expect(await sheet.text()).toBe(renderStylesheet(null));
    }
  });
});

describe("where the edge's forms may lead under APPS", () => {
  it("lets the sign-in pages of the auth host lead on to every app host, on any port", async () => {
    for (const url of [`${AUTH}/.sesame/login`, `${AUTH}/.sesame/link?sesame=x`]) {
      const sources = directive(await edge(url, { headers: { Accept: "text/html" } }), "form-action");
      expect(sources, url).toEqual([
        "'self'",
        AUTH,
        "http://wiki.example.com:*",
        "http://*.wiki.example.com:*",
        "http://tools.example.org:*",
      ]);
    }
  });

  it("lets the 403 page of an app host lead on to the auth host ('use another account')", async () => {
    const browser = await signedInOnWiki();
    const refused = await browser.open("http://wiki.example.com/admin/x");
    expect(directive(refused, "form-action")).toContain(AUTH);
  });

  it("lists https app hosts when PUBLIC_URL is https", async () => {
    const https = edgeAt({
      APPS: JSON.stringify(APPS),
      PUBLIC_URL: "https://auth.example.net",
      MAILER: "mailchannels",
      MAILCHANNELS_API_KEY: "unused",
    });
    const sources = directive(await https("https://auth.example.net/.sesame/login", { headers: { Accept: "text/html" } }), "form-action");
    expect(sources).toEqual([
      "'self'",
      "https://auth.example.net",
      "https://wiki.example.com:*",
      "https://*.wiki.example.com:*",
      "https://tools.example.org:*",
    ]);
  });

  it("keeps every form on its own origin without APPS", async () => {
    const single = edgeAt({});
    expect(directive(await single(`${AUTH}/.sesame/login`, { headers: { Accept: "text/html" } }), "form-action")).toEqual(["'self'"]);
  });
});
