/**
 * Pages and emails in the reader's language, through the worker's own fetch: negotiation,
 * `?lang=` kept through the whole flow, the email in the asking page's language with
 * Content-Language, and no English left on a translated page.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CATALOGUES } from "../src/i18n";
import { ForbiddenPage } from "../src/pages/forbidden-page";
import { siteFor } from "../src/pages/site";
import { EDGE, type Fetcher, linkPath, makeUser, PREFIX, postForm, testConfig, uniqueEmail, worker, workerWith } from "./login-helpers";
import { inOneWindow } from "./support/one-window";

const STAND_IN = (env as unknown as Record<string, string>).MAILCHANNELS_API_URL!;

function get(path: string, acceptLanguage: string | null, fetcher: Fetcher = worker, cookie?: string): Promise<Response> {
  const headers: Record<string, string> = { Accept: "text/html" };
  if (acceptLanguage) headers["Accept-Language"] = acceptLanguage;
  if (cookie) headers.Cookie = cookie;
  return fetcher(path, { headers });
}

function post(path: string, fields: Record<string, string>, acceptLanguage: string | null, fetcher: Fetcher = worker) {
  return postForm(path, fields, { fetcher, headers: { Origin: EDGE, ...(acceptLanguage ? { "Accept-Language": acceptLanguage } : {}) } });
}

interface MailboxMessage {
  subject: string;
  text: string;
  html: string;
  link: string;
  code: string;
  language: string;
}

async function newestMail(email: string): Promise<MailboxMessage> {
  const res = await worker(`${PREFIX}/dev/mailbox?to=${encodeURIComponent(email)}`, { headers: { Accept: "application/json" } });
  const { messages } = (await res.json()) as { messages: MailboxMessage[] };
  if (!messages[0]) throw new Error(`no email for ${email}`);
  return messages[0];
}

/** The text nodes a person reads (title included), without the language links, whose names are the same in every language. */
function visibleTexts(html: string): string[] {
  return html
    .replace(/<nav class="languages"[\s\S]*?<\/nav>/, "")
    .replace(/<script[\s\S]*?<\/script>/g, "")
    .split(/<[^>]*>/)
    .map((s) =>
      s
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, "&")
        .trim(),
    )
    .filter((s) => s.length > 3);
}

describe("the sign-in page", () => {
  it("follows Accept-Language: German words, <html lang=de>, Content-Language and Vary", async () => {
    const res = await get(`${PREFIX}/login`, "de-DE,de;q=0.9,en;q=0.5");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html><html lang="de">/);
    expect(html).toContain("Bei sesame-edge anmelden");
    expect(html).toContain("Anmeldelink per E-Mail senden");
    expect(res.headers.get("Content-Language")).toBe("de");
    expect(res.headers.get("Vary")).toContain("Accept-Language");
  });

  it("answers a browser without Accept-Language in DEFAULT_LOCALE", async () => {
    expect(await (await get(`${PREFIX}/login`, null)).text()).toMatch(/<html lang="en">/);
    const japaneseFirst = workerWith({ DEFAULT_LOCALE: "ja" });
    expect(await (await get(`${PREFIX}/login`, null, japaneseFirst)).text()).toMatch(/<html lang="ja">/);
  });

  it("speaks only the languages LOCALES enables", async () => {
    const frenchOrEnglish = workerWith({ LOCALES: "en,fr" });
    expect(await (await get(`${PREFIX}/login`, "de, fr;q=0.5", frenchOrEnglish)).text()).toMatch(/<html lang="fr">/);
    expect(await (await get(`${PREFIX}/login?lang=de`, "de", frenchOrEnglish)).text()).toMatch(/<html lang="en">/);
  });

  it("links to itself in every other enabled language, each named in its own language, keeping next", async () => {
    const html = await (await get(`${PREFIX}/login?next=%2Freports`, "en")).text();
    expect(html).toContain(`<a lang="de" hreflang="de" href="${PREFIX}/login?next=%2Freports&amp;lang=de">Deutsch</a>`);
    expect(html).toContain(">日本語</a>");
    expect(html).toContain('<span lang="en" aria-current="true">English</span>');
  });
});

describe("?lang= through the whole flow", () => {
  it("keeps the chosen language from the form to the check-email page, the email, the link page and the code form", async () => {
    const user = await makeUser();
    // The browser says German; the reader picked French on the page.
    const login = await (await get(`${PREFIX}/login?lang=fr&next=%2Fa`, "de")).text();
    expect(login).toMatch(/<html lang="fr">/);
    expect(login).toContain(`action="${PREFIX}/login?lang=fr"`);

    const asked = await post(`${PREFIX}/login?lang=fr`, { email: user.email, next: "/a" }, "de");
    const check = await asked.text();
    expect(asked.headers.get("Content-Language")).toBe("fr");
    expect(check).toContain("Consultez vos e-mails");
    expect(check).toContain("expirent dans 10 minutes");
    expect(check).toContain(`action="${PREFIX}/code?lang=fr"`);
    expect(check).toContain(`href="${PREFIX}/login?next=%2Fa&amp;lang=fr"`);

    const mail = await newestMail(user.email);
    expect(mail.subject).toBe("Connexion à sesame-edge");
    expect(mail.language).toBe("fr");
    expect(mail.text).toContain("Votre code\u00a0: ");
    expect(mail.html).toMatch(/^<!doctype html><html lang="fr">/);
    expect(new URL(mail.link).searchParams.get("lang")).toBe("fr");

    const linkPage = await get(linkPath(mail.link), "ja");
    const confirm = await linkPage.text();
    expect(confirm).toContain(`Continuer en tant que ${user.email}`);
    expect(confirm).toContain(`action="${PREFIX}/link?lang=fr"`);

    const wrongCode = await post(`${PREFIX}/code?lang=fr`, { email: user.email, code: "000000", next: "/a" }, "ja");
    expect(await wrongCode.text()).toContain("Ce code n’a pas fonctionné.");
  });

  it("writes the email in the language of the page that asked, not of the browser that opens it", async () => {
    const email = uniqueEmail("ja");
    await makeUser(email);
    await post(`${PREFIX}/login`, { email, next: "/" }, "ja-JP,ja;q=0.9");
    const mail = await newestMail(email);
    expect(mail.subject).toBe("sesame-edge へのサインイン");
    expect(mail.text).toContain("10 分後に期限が切れます");
    expect(mail.code).toMatch(/^\d{6}$/);
    // Opened in a German browser, the link still speaks the email's language.
    expect(await (await get(linkPath(mail.link), "de")).text()).toMatch(/<html lang="ja">/);
  });

  it("sends Content-Language with the email through MailChannels", async () => {
    const apiKey = `i18n-${crypto.randomUUID()}`;
    const fetcher = workerWith({ MAILER: "mailchannels", MAILCHANNELS_API_KEY: apiKey, SIGNUP: "open" });
    const email = uniqueEmail("es");
    expect((await post(`${PREFIX}/login`, { email, next: "/" }, "es-MX", fetcher)).status).toBe(200);
    const sent = (await (await fetch(new URL(`/__sent?apiKey=${apiKey}`, STAND_IN))).json()) as {
      body: { subject: string; personalizations: { headers?: Record<string, string> }[] };
    }[];
    expect(sent).toHaveLength(1);
    expect(sent[0]!.body.subject).toBe("Inicia sesión en sesame-edge");
    expect(sent[0]!.body.personalizations[0]!.headers).toEqual({ "Content-Language": "es" });
  });
});

describe("error pages", () => {
  it("show a 404 and a refused cross-site form in the reader's language; JSON stays English", async () => {
    const missing = await get(`${PREFIX}/nowhere`, "pt-BR");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("Página não encontrada");
    expect(missing.headers.get("Content-Language")).toBe("pt-BR");

    const crossSite = await postForm(
      `${PREFIX}/login`,
      { email: "x@example.com" },
      { headers: { Origin: "https://evil.example", "Accept-Language": "de" } },
    );
    expect(crossSite.status).toBe(403);
    expect(await crossSite.text()).toContain("Dieses Formular muss von einer Seite dieser Website gesendet werden.");

    const json = await worker(`${PREFIX}/nowhere`, { headers: { Accept: "application/json", "Accept-Language": "de" } });
    expect(((await json.json()) as { message: string }).message).toBe("Not found");
  });

  it("say how long to wait, in the reader's language", () =>
    inOneWindow(async () => {
      const fetcher = workerWith({ RATE_LIMIT_LOGIN_PER_EMAIL: "1" });
      const email = uniqueEmail("wait");
      await post(`${PREFIX}/login`, { email, next: "/" }, "de", fetcher);
      const limited = await post(`${PREFIX}/login`, { email, next: "/" }, "de", fetcher);
      expect(limited.status).toBe(429);
      expect(await limited.text()).toMatch(/Bitte versuchen Sie es in \d+ Minuten? erneut\./);
    }));

  it("refuse an oversized form (413) in the reader's language", async () => {
    const tooLarge = await post(`${PREFIX}/login`, { email: "x@example.com", next: "x".repeat(60 * 1024) }, "ja");
    expect(tooLarge.status).toBe(413);
    const html = await tooLarge.text();
    expect(html).toContain("リクエストが大きすぎます");
    expect(html).toContain(CATALOGUES.ja["error.payloadTooLarge"]);
  });

  it("ask for the dev mailbox's token on a network address in the reader's language", async () => {
    const lan = workerWith({ PUBLIC_URL: "http://192.168.1.20:8787" });
    const refused = await get(`${PREFIX}/dev/mailbox`, "fr", lan);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain(CATALOGUES.fr["error.devMailboxToken"]);
  });
});

describe("no English left on a translated page", () => {
  const EMAIL = uniqueEmail("leftover");
  /** A fresh user who has just asked for an email from a page in `lang`. */
  const askedFor = async (lang: string) => {
    const user = await makeUser();
    await post(`${PREFIX}/login`, { email: user.email, next: "/" }, lang);
    return user.email;
  };
  const pages: [string, (lang: string) => Promise<Response>][] = [
    ["sign-in", (lang) => get(`${PREFIX}/login`, lang)],
    ["invalid email", (lang) => post(`${PREFIX}/login`, { email: "nope", next: "/" }, lang)],
    // A fresh address each time: the per-address rate limit would turn later ones into 429 pages.
    ["check email", (lang) => post(`${PREFIX}/login`, { email: uniqueEmail("leftover"), next: "/" }, lang)],
    ["wrong code", (lang) => post(`${PREFIX}/code`, { email: EMAIL, code: "12", next: "/" }, lang)],
    ["lost email", (lang) => post(`${PREFIX}/code`, { email: "", code: "123456", next: "/" }, lang)],
    ["invalid link", (lang) => get(`${PREFIX}/link?sesame=forged`, lang)],
    ["link confirmation", async (lang) => get(linkPath((await newestMail(await askedFor(lang))).link), lang)],
    [
      "cross-site form",
      (lang) => postForm(`${PREFIX}/login`, { email: EMAIL }, { headers: { Origin: "https://evil.example", "Accept-Language": lang } }),
    ],
    ["signed out", (lang) => get(`${PREFIX}/logout`, lang)],
    ["not found", (lang) => get(`${PREFIX}/missing`, lang)],
    ["dev mailbox", (lang) => get(`${PREFIX}/dev/mailbox?to=${encodeURIComponent(EMAIL)}`, lang)],
  ];

  it.each(pages.flatMap(([name, load]) => ["de", "fr", "es", "pt-BR", "ja"].map((lang) => [name, lang, load] as const)))(
    "%s in %s",
    async (_name, lang, load) => {
      const english = visibleTexts(await (await load("en")).text());
      const response = await load(lang);
      expect(response.status).not.toBe(429);
      const translated = await response.text();
      expect(translated).toMatch(new RegExp(`<html lang="${lang}">`));
      // Data is the same in every language: the app's name, addresses, codes, MAILER=dev.
      const data = (s: string) =>
        s === "sesame-edge" || s.includes("@") || /^[\d\s:.,/-]+(UTC)?$/.test(s) || s === CATALOGUES.en["mailbox.code"];
      const leftovers = visibleTexts(translated).filter((text) => english.includes(text) && !data(text));
      expect(leftovers).toEqual([]);
    },
  );
});

describe("the gate's 403 page (APPS policies)", () => {
  it("speaks the reader's language and keeps a chosen one in its forms", () => {
    const request = new Request(`${EDGE}/admin?lang=ja`, { headers: { "Accept-Language": "de" } });
    const html = String(ForbiddenPage({ site: siteFor(testConfig(), request), email: "ada@example.com", next: "/admin" }));
    expect(html).toMatch(/^<html lang="ja">/);
    expect(html).toContain("このページを開くことはできません");
    expect(html).toContain(`action="${PREFIX}/logout?everywhere=1&amp;then=login&amp;next=%2Fadmin&amp;lang=ja"`);
    const german = String(
      ForbiddenPage({
        site: siteFor(testConfig(), new Request(`${EDGE}/admin`, { headers: { "Accept-Language": "de" } })),
        email: null,
        next: "/",
      }),
    );
    expect(german).toContain("Diese Seite ist von hier aus nicht verfügbar.");
  });
});
