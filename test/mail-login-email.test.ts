import { describe, expect, it } from "vitest";
import { renderLoginEmail } from "../src/mail";
import { describeUserAgent } from "../src/mail/describe-user-agent";
import { extractLoginDetails } from "../src/mail/extract-login-details";
import { groupCode } from "../src/mail/login-email";

const CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const LINK = "https://app.example.com/.sesame/link?sesame=AbC-123_xyz&next=%2Freports%3Fa%3D1";
const base = {
  appName: "Acme Portal",
  email: "ada@example.com",
  link: LINK,
  code: "123456",
  minutes: 10,
  ip: "203.0.113.7",
  userAgent: CHROME_MAC,
};

describe("login email", () => {
  it("is titled 'Sign in to <APP_NAME>'", () => {
    expect(renderLoginEmail(base).subject).toBe("Sign in to Acme Portal");
  });

  it("has a text part with the link, the plain code, the lifetime, the IP, the browser and the ignore notice", () => {
    const { text } = renderLoginEmail(base);
    expect(text).toContain(`\n${LINK}\n`);
    expect(text).toContain("Your code: 123456\n");
    expect(text).toContain("expire in 10 minutes");
    expect(text).toContain("203.0.113.7");
    expect(text).toContain("Chrome on macOS");
    expect(text).toContain("ada@example.com");
    expect(text).toContain("If you did not ask to sign in, ignore this email: nobody can sign in without the link or code.");
    expect(text).not.toContain("<");
  });

  it("has an HTML part with the link as a button, the code grouped for reading, the lifetime, IP, browser and notice", () => {
    const { html } = renderLoginEmail(base);
    const escapedLink = LINK.replaceAll("&", "&amp;");
    expect(html).toMatch(/^<!doctype html><html lang="en">/);
    expect(html).toContain(`<a href="${escapedLink}"`);
    expect(html).toContain(">123 456</p>");
    expect(html).toContain("expire in 10 minutes");
    expect(html).toContain("203.0.113.7");
    expect(html).toContain("Chrome on macOS");
    expect(html).toContain("If you did not ask to sign in, ignore this email: nobody can sign in without the link or code.");
  });

  it("says '1 minute', not '1 minutes'", () => {
    expect(renderLoginEmail({ ...base, minutes: 1 }).text).toContain("expire in 1 minute.");
  });

  it("escapes a hostile address in the HTML part, and shows none of a hostile user agent", () => {
    const hostile = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;
    const { html, text } = renderLoginEmail({ ...base, userAgent: hostile, email: `x"><b>@example.com` });
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<b>");
    expect(html).toContain("x&quot;&gt;&lt;b&gt;@example.com");
    for (const part of [html, text]) {
      expect(part).not.toMatch(/script|alert|onerror/);
      expect(part).toContain("an unrecognised browser");
    }
  });

  it("shows none of an unknown user agent's own text, line breaks or not", () => {
    const long = `Robot\r\nBcc: x@example.com ${"z".repeat(500)}`;
    const { text, html } = renderLoginEmail({ ...base, userAgent: long });
    for (const part of [html, text]) {
      expect(part).not.toMatch(/Robot\b|Bcc|zzz/);
      expect(part).toContain("This request came from an unrecognised browser at IP address 203.0.113.7.");
    }
  });

  it("says 'an unknown browser' when there is no user agent", () => {
    expect(renderLoginEmail({ ...base, userAgent: null }).text).toContain("from an unknown browser at IP address 203.0.113.7");
  });

  it("keeps CR and LF out of the subject even when APP_NAME holds them", () => {
    const { subject } = renderLoginEmail({ ...base, appName: "Acme\r\nBcc: victim@example.com" });
    expect(subject).toBe("Sign in to Acme Bcc: victim@example.com");
    expect(subject).not.toMatch(/[\r\n]/);
  });

  it("renders a link and code that the dev mailbox finds again", () => {
    for (const code of ["123456", "7654321", "12345678", "0012345678"]) {
      expect(extractLoginDetails(renderLoginEmail({ ...base, code }).text)).toEqual({ link: LINK, code });
    }
  });
});

describe("code grouping", () => {
  it("groups codes in threes or fours, never leaving a lone digit", () => {
    expect(groupCode("123456")).toBe("123 456");
    expect(groupCode("1234567")).toBe("123 4567");
    expect(groupCode("12345678")).toBe("1234 5678");
    expect(groupCode("123456789")).toBe("123 456 789");
    expect(groupCode("1234567890")).toBe("123 456 7890");
  });
});

describe("user agent description", () => {
  it("names common browsers and systems", () => {
    expect(describeUserAgent(CHROME_MAC)).toBe("Chrome on macOS");
    expect(describeUserAgent("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")).toBe("Firefox on Linux");
    expect(
      describeUserAgent(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
      ),
    ).toBe("Edge on Windows");
    expect(
      describeUserAgent(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
      ),
    ).toBe("Safari on iOS");
    expect(describeUserAgent("curl/8.5.0")).toBe("curl");
  });

  it("names only what it recognises, and nothing of the rest", () => {
    expect(describeUserAgent("ACCOUNT LOCKED - verify now at https://evil.example/unlock")).toBe("an unrecognised browser");
    expect(describeUserAgent("Call +1 555 0100 now (Windows NT 10.0)")).toBe("an unrecognised browser on Windows");
    expect(describeUserAgent("Firefox/1 ACCOUNT LOCKED")).toBe("Firefox");
    expect(describeUserAgent("   ")).toBe("an unknown browser");
  });
});

describe("link and code extraction", () => {
  it("prefers the URL carrying sesame= and trims sentence punctuation", () => {
    const text = "See https://example.com/help. Then open https://app.example.com/.sesame/link?sesame=abc&next=%2F.";
    expect(extractLoginDetails(text).link).toBe("https://app.example.com/.sesame/link?sesame=abc&next=%2F");
  });

  it("finds a grouped code after the word 'code', even on the next line", () => {
    expect(extractLoginDetails("Enter this code on the sign-in page:\n  123 456\n").code).toBe("123456");
    expect(extractLoginDetails("Code: 1234-5678").code).toBe("12345678");
  });

  it("does not take digits from URLs, IP addresses or version numbers for a code", () => {
    const text = "Open http://127.0.0.1:18789/link?sesame=12345678901 from 203.0.113.7 using Chrome/131.0.6778.85";
    expect(extractLoginDetails(text)).toEqual({ link: "http://127.0.0.1:18789/link?sesame=12345678901", code: null });
  });

  it("answers null for both when a message has neither", () => {
    expect(extractLoginDetails("Hello, nothing to see here.")).toEqual({ link: null, code: null });
  });
});
