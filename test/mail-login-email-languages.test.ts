/**
 * The sign-in email in every language and its HTML layout (docs/mail.md, "The email"): what
 * mail clients render reliably, dark-mode friendly, and a text part that says the same.
 */
import { describe, expect, it } from "vitest";
import { SUPPORTED_LOCALES } from "../src/i18n";
import { renderLoginEmail } from "../src/mail";
import { extractLoginDetails } from "../src/mail/extract-login-details";

const LINK = "https://app.example.com/.sesame/link?sesame=AbC-123_xyz&lang=de";
const base = {
  appName: "Acme",
  email: "ada@example.com",
  link: LINK,
  code: "482915",
  minutes: 10,
  ip: "203.0.113.7",
  userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
};

/** The HTML's readable text, one entry per text node, entities decoded. */
function htmlText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/g, "")
    .replace(/<title>[\s\S]*?<\/title>/, "")
    .replace(/<[^>]*>/g, "")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&");
}

describe.each(SUPPORTED_LOCALES)("the sign-in email in %s", (locale) => {
  const email = renderLoginEmail({ ...base, locale });

  it("declares its language for Content-Language and in <html lang>", () => {
    expect(email.language).toBe(locale);
    expect(email.html).toMatch(new RegExp(`^<!doctype html><html lang="${locale}">`));
  });

  it("holds a link and a code the dev mailbox (and a person) can find", () => {
    expect(extractLoginDetails(email.text)).toEqual({ link: LINK, code: "482915" });
  });

  it("says the same in its text part as in its HTML part", () => {
    const readable = htmlText(email.html);
    // The text part has no button: where the HTML says "click the button", it says "open this link".
    const openLink = renderLoginEmail({ ...base, locale }).text.split("\n")[4];
    const lines = email.text.split("\n").filter((line) => line.trim() !== "" && line !== openLink);
    expect(lines.length).toBe(6);
    for (const line of lines) {
      if (line.includes(base.code)) expect(readable).toContain("482 915");
      else expect(readable).toContain(line);
    }
  });
});

describe("the HTML email's layout", () => {
  const { html } = renderLoginEmail({ ...base, locale: "de" });

  it("is one column of presentation tables, with no divs, scripts, forms, stylesheets or remote images", () => {
    expect(html.match(/<table role="presentation"/g)?.length).toBe(3);
    expect(html).not.toMatch(/<div|<script|<form|<link|<img|url\(/i);
    expect(html).toContain('style="max-width:480px;');
  });

  it("styles every text element inline, as clients that drop <style> need", () => {
    const unstyled = [...html.matchAll(/<(h1|p|a|td|body)\b([^>]*)>/g)].filter(([, , attributes]) => !/\bstyle="/.test(attributes!));
    expect(unstyled.map(([tag]) => tag)).toEqual([]);
  });

  it("is dark-mode friendly: color-scheme meta, and a prefers-color-scheme block for the clients that honour it", () => {
    expect(html).toContain('<meta name="color-scheme" content="light dark"/>');
    expect(html).toContain('<meta name="supported-color-schemes" content="light dark"/>');
    expect(html).toMatch(
      /<style>@media \(prefers-color-scheme: dark\)\{\.page\{background:#141414!important\}\.card\{[^}]+\}\.fg\{color:#ececec!important\}/,
    );
  });

  it("names the browser and system in the reader's language", () => {
    expect(renderLoginEmail({ ...base, locale: "de" }).text).toContain(
      "Diese Anfrage kam von Firefox unter Linux mit der IP-Adresse 203.0.113.7.",
    );
    expect(renderLoginEmail({ ...base, locale: "ja", userAgent: null }).text).toContain("不明なブラウザー");
  });
});
