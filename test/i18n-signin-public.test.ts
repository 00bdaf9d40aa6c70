/**
 * The pages and refusals of bot protection, same-device sign-in and the cross-host handoff
 * in the reader's language (docs/pages.md), with dates by Intl, and the Turnstile origin in
 * the CSP of every page that carries the widget, beside the logo's.
 */
import { describe, expect, it } from "vitest";
import { CATALOGUES } from "../src/i18n";
import { type Fetcher, latestMail, linkPath, makeUser, PREFIX, postForm, uniqueEmail, workerWith } from "./login-helpers";
import { oidcWorker } from "./oidc/support";
import { Browser, edgeAt } from "./support/browser";

const SITE_KEY = "1x00000000000000000000AA";
const PASSING_SECRET = "1x0000000000000000000000000000000AA";
const FAILING_SECRET = "2x0000000000000000000000000000000AA";
const LAPTOP_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
const LOGO = "https://cdn.example.net/logo.png";
const TURNSTILE = "https://challenges.cloudflare.com";

const turnstile = (secret: string, extra: Record<string, string> = {}) =>
  workerWith({ TURNSTILE_SITE_KEY: SITE_KEY, TURNSTILE_SECRET_KEY: secret, ...extra });
const { de, en, es, fr, ja } = CATALOGUES;

function inLanguage(lang: string, extra: Record<string, string> = {}) {
  return { Origin: "http://localhost:8787", "Accept-Language": lang, ...extra };
}

const freshToken = () => `stand-in.${crypto.randomUUID()}`;

describe("Turnstile in the reader's language", () => {
  it("asks the widget for the page's language", async () => {
    const res = await turnstile(PASSING_SECRET)(`${PREFIX}/login`, { headers: { Accept: "text/html", "Accept-Language": "pt-BR" } });
    expect(await res.text()).toContain(`<div class="cf-turnstile" data-sitekey="${SITE_KEY}" data-language="pt-br"></div>`);
  });

  it("says a missing, a failed and an unanswered check in German", async () => {
    const email = uniqueEmail();
    const missing = await postForm(
      `${PREFIX}/login`,
      { email, next: "/" },
      { fetcher: turnstile(PASSING_SECRET), headers: inLanguage("de") },
    );
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain(de["turnstile.missing"]);

    const token = { email, next: "/", "cf-turnstile-response": freshToken() };
    const failed = await postForm(`${PREFIX}/login`, token, { fetcher: turnstile(FAILING_SECRET), headers: inLanguage("de") });
    expect(failed.status).toBe(403);
    expect(await failed.text()).toContain(de["turnstile.failed"]);

    const unreachable = turnstile(PASSING_SECRET, { TURNSTILE_VERIFY_URL: "http://127.0.0.1:9/turnstile/v0/siteverify" });
    const down = await postForm(`${PREFIX}/login`, token, { fetcher: unreachable, headers: inLanguage("de") });
    expect(down.status).toBe(503);
    const html = await down.text();
    expect(html).toContain(de["turnstile.unavailable"]);
    expect(html).not.toContain(en["turnstile.unavailable"]);
  });
});

describe("the CSP of the pages with the widget", () => {
  const branded = turnstile(PASSING_SECRET, { BRAND_LOGO_URL: LOGO });

  /** Every response a browser sees on the way through both forms, refusals included. */
  async function pagesOfTheFlow(fetcher: Fetcher): Promise<Response[]> {
    const user = await makeUser();
    const html = { Accept: "text/html" };
    const form = { email: user.email, next: "/" };
    const signIn = await fetcher(`${PREFIX}/login`, { headers: html });
    const refused = await postForm(`${PREFIX}/login`, form, { fetcher });
    const invalid = await postForm(`${PREFIX}/login`, { ...form, email: "nope", "cf-turnstile-response": freshToken() }, { fetcher });
    const checkEmail = await postForm(`${PREFIX}/login`, { ...form, "cf-turnstile-response": freshToken() }, { fetcher });
    const codeRefused = await postForm(`${PREFIX}/code`, { ...form, code: "1" }, { fetcher });
    const wrongCode = await postForm(`${PREFIX}/code`, { ...form, code: "x", "cf-turnstile-response": freshToken() }, { fetcher });
    return [signIn, refused, invalid, checkEmail, codeRefused, wrongCode];
  }

  it("allows Turnstile's script and frame on exactly the pages that render the widget, and the logo on all of them", async () => {
    const pages = await pagesOfTheFlow(branded);
    for (const res of pages) {
      const html = await res.text();
      const csp = res.headers.get("Content-Security-Policy")!;
      expect(html, `${res.status}`).toContain('class="cf-turnstile"');
      expect(csp).toContain(`script-src ${TURNSTILE};`);
      expect(csp).toContain(`frame-src ${TURNSTILE};`);
      expect(csp).toContain("img-src 'self' data: https://cdn.example.net;");
      expect(csp).toContain("default-src 'none'");
    }
  });

  it("keeps scripts and frames shut on the same pages without Turnstile, the logo still allowed", async () => {
    const pages = await pagesOfTheFlow(workerWith({ BRAND_LOGO_URL: LOGO }));
    for (const res of pages) {
      expect(await res.text()).not.toContain("cf-turnstile");
      const csp = res.headers.get("Content-Security-Policy")!;
      expect(csp).not.toContain(TURNSTILE);
      expect(csp).toContain("img-src 'self' data: https://cdn.example.net;");
    }
  });
});

describe("a link opened in another browser, in the language of the page that asked", () => {
  /** The email's link carries the asking page's language (docs/pages.md), so the other browser reads it too. */
  async function askFromLaptop(fetcher: Fetcher, email: string, lang: string) {
    const headers = inLanguage(lang, { "User-Agent": LAPTOP_UA });
    expect((await postForm(`${PREFIX}/login`, { email, next: "/" }, { fetcher, headers })).status).toBe(200);
    return latestMail(email, fetcher);
  }

  it("SAME_DEVICE=warn: German words, the asking browser named in German, the moment as Intl writes it", async () => {
    const warn = workerWith({ SAME_DEVICE: "warn" });
    const user = await makeUser();
    const { link } = await askFromLaptop(warn, user.email, "de");
    const res = await warn(linkPath(link), { headers: { Accept: "text/html" } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<html lang="de"');
    expect(html).toContain(de["otherBrowser.heading"]);
    expect(html).toMatch(/von Chrome unter Linux angefordert, am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} UTC\./);
    expect(html).toContain(`Weiter als ${user.email}`);
    expect(html).not.toContain("Continue as");
  });

  it("SAME_DEVICE=require: the refusal in French and Japanese, with the way back keeping the language", async () => {
    const require_ = workerWith({ SAME_DEVICE: "require" });
    const user = await makeUser();
    const { link } = await askFromLaptop(require_, user.email, "fr");
    const french = await require_(linkPath(link), { headers: { Accept: "text/html" } });
    expect(french.status).toBe(403);
    const html = await french.text();
    expect(html).toContain(fr["otherBrowser.requiredHeading"]);
    expect(html).toContain(fr["otherBrowser.newEmailHere"]);
    expect(html).toContain('href="/.sesame/login?next=%2F&amp;lang=fr"');
    const japanese = await (await require_(linkPath(link).replace("lang=fr", "lang=ja"), { headers: { Accept: "text/html" } })).text();
    expect(japanese).toContain(ja["otherBrowser.requiredLead"]);
    expect(japanese).toMatch(/2\d{3}\/\d{1,2}\/\d{1,2} \d{1,2}:\d{2} UTC/);
  });

  it("SAME_DEVICE=require: the code typed in another browser is refused in Spanish", async () => {
    const require_ = workerWith({ SAME_DEVICE: "require" });
    const user = await makeUser();
    const { code } = await askFromLaptop(require_, user.email, "en");
    const res = await postForm(`${PREFIX}/code`, { email: user.email, code, next: "/" }, { fetcher: require_, headers: inLanguage("es") });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(es["code.otherBrowser"]);
  });
});

describe("the handoff's refusals in the reader's language", () => {
  const apps = [
    {
      name: "wiki",
      hosts: ["wiki.example.com"],
      origin: "http://127.0.0.1:9/",
      policies: [{ name: "all", path: "/*", action: "allow", include: [{ everyone: true }] }],
    },
  ];
  const edge = edgeAt({ APPS: JSON.stringify(apps) });

  it("names a wrong app host in German for a browser, in English for a script", async () => {
    const url = "http://localhost:8787/.sesame/sso?app=wiki&origin=http%3A%2F%2Fevil.example&next=%2F&state=x";
    const page = await new Browser(edge).open(url, { headers: { "Accept-Language": "de" } });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain(de["handoff.unknownOrigin"]);
    const json = await edge(url, { headers: { Accept: "application/json", "Accept-Language": "de" } });
    expect(await json.json()).toMatchObject({ error: "invalid_request", field: "origin", message: en["handoff.unknownOrigin"] });
  });

  it("says an unusable handoff code in German, with the way back to the app", async () => {
    const res = await new Browser(edge).open("http://wiki.example.com/.sesame/handoff?code=nothing", {
      headers: { "Accept-Language": "de" },
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(de["handoff.title"]);
    expect(html).toContain(de["handoff.failed"]);
    expect(html).toContain(`<a class="button" href="/">${de["handoff.openApp"]}</a>`);
  });
});

describe("a sign-in's expired way back", () => {
  it("says so in German for a browser, in English for a script", async () => {
    const path = `${PREFIX}/continue/not-a-live-value`;
    const page = await workerWith({})(path, { headers: { Accept: "text/html", "Accept-Language": "de" } });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain(de["continue.expired"]);
    const json = await workerWith({})(path, { headers: { Accept: "application/json", "Accept-Language": "de" } });
    expect(await json.json()).toMatchObject({ error: "invalid_request", field: "continue", message: en["continue.expired"] });
  });
});

describe("the OpenID provider's refusals", () => {
  it("tell a German browser in German that the application is not registered", async () => {
    const edge = await oidcWorker();
    const res = await edge(`${PREFIX}/oidc/authorize?client_id=nobody&redirect_uri=https%3A%2F%2Frp.example%2Fcb`, {
      headers: { Accept: "text/html", "Accept-Language": "de" },
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<html lang="de"');
    expect(html).toContain(de["oidc.invalidTitle"]);
    expect(html).toContain(de["oidc.unknownClient"]);
  });

  it("name a repeated parameter in French", async () => {
    const edge = await oidcWorker();
    const res = await edge(`${PREFIX}/oidc/authorize?client_id=a&client_id=b`, {
      headers: { Accept: "text/html", "Accept-Language": "fr" },
    });
    expect(await res.text()).toContain(fr["oidc.repeatedParam"].replace("{name}", "client_id"));
  });
});
