/**
 * The brand: logo, colour and support contact on pages and in the email, the CSP that
 * admits the logo's origin only when one is set, and colours that keep WCAG AA contrast.
 */
import { describe, expect, it } from "vitest";
import { AA_TEXT_CONTRAST, brandPalette, contrastRatio } from "../src/brand";
import { DARK_BACKGROUNDS, LIGHT_BACKGROUNDS } from "../src/brand/palette";
import { renderLoginEmail } from "../src/mail";
import { EDGE, type Fetcher, linkPath, makeUser, PREFIX, postForm, signInByLink, workerWith } from "./login-helpers";

const LOGO = "https://cdn.example.com/acme/logo.svg";
const BRANDED = {
  BRAND_LOGO_URL: LOGO,
  BRAND_COLOR: "#ffd400",
  SUPPORT_URL: "https://help.example.com/sign-in",
  SUPPORT_EMAIL: "help@example.com",
};

const page = (fetcher: Fetcher, path: string, cookie?: string) =>
  fetcher(path, { headers: { Accept: "text/html", ...(cookie ? { Cookie: cookie } : {}) } });

/** Every #rgb colour: 4096 of them, spread over the whole gamut. */
const SWEEP = Array.from({ length: 4096 }, (_, n) => `#${n.toString(16).padStart(3, "0")}`).map(
  (short) => `#${[...short.slice(1)].map((c) => c + c).join("")}`,
);

describe("brand palette", () => {
  it("keeps every text colour at AA (4.5:1) for every colour, in light and dark mode", () => {
    const failures = SWEEP.filter((color) => {
      const p = brandPalette(color);
      return (
        contrastRatio(p.accent, p.onAccent) < AA_TEXT_CONTRAST ||
        LIGHT_BACKGROUNDS.some((bg) => contrastRatio(p.textOnLight, bg) < AA_TEXT_CONTRAST) ||
        DARK_BACKGROUNDS.some((bg) => contrastRatio(p.textOnDark, bg) < AA_TEXT_CONTRAST)
      );
    });
    expect(failures).toEqual([]);
  });

  it("fills buttons with the brand colour exactly, choosing black or white text on it", () => {
    expect(brandPalette("#ffd400")).toMatchObject({ accent: "#ffd400", onAccent: "#000000" });
    expect(brandPalette("#1d4ed8")).toMatchObject({ accent: "#1d4ed8", onAccent: "#ffffff" });
    // The hardest colour there is: a mid grey still reaches 4.5:1 with black.
    expect(contrastRatio("#777777", brandPalette("#777777").onAccent)).toBeGreaterThanOrEqual(4.5);
  });

  it("keeps a colour that already passes as text, and darkens or lightens one that does not", () => {
    expect(brandPalette("#1d4ed8").textOnLight).toBe("#1d4ed8");
    const yellow = brandPalette("#ffd400");
    expect(yellow.textOnLight).not.toBe("#ffd400");
    expect(yellow.textOnDark).toBe("#ffd400");
    const navy = brandPalette("#1e3a8a");
    expect(navy.textOnLight).toBe("#1e3a8a");
    expect(navy.textOnDark).not.toBe("#1e3a8a");
  });
});

describe("brand on pages", () => {
  const branded = workerWith(BRANDED);

  it("shows the logo (named by APP_NAME) and both support contacts", async () => {
    const html = await (await page(branded, `${PREFIX}/login`)).text();
    expect(html).toContain(`<img class="logo" src="${LOGO}" alt="sesame-edge"/>`);
    expect(html).toContain('<a href="https://help.example.com/sign-in">help.example.com</a>');
    expect(html).toContain('<a href="mailto:help@example.com">help@example.com</a>');
  });

  it("allows images from the logo's origin in the CSP, on every page, and only when a logo is set", async () => {
    const login = await page(branded, `${PREFIX}/login`);
    expect(login.headers.get("Content-Security-Policy")).toContain("img-src 'self' data: https://cdn.example.com;");
    const missing = await page(branded, `${PREFIX}/missing`);
    expect(missing.headers.get("Content-Security-Policy")).toContain("img-src 'self' data: https://cdn.example.com;");

    const plain = workerWith({});
    const plainLogin = await page(plain, `${PREFIX}/login`);
    expect(plainLogin.headers.get("Content-Security-Policy")).toContain("img-src 'self' data:;");
    const html = await plainLogin.text();
    expect(html).not.toContain("<img");
    expect(html).not.toContain('class="support"');
  });

  it("gives the link page, with its own CSP for its script, the logo's origin too", async () => {
    const user = await makeUser();
    await postForm(`${PREFIX}/login`, { email: user.email, next: "/" }, { fetcher: branded, headers: { Origin: EDGE } });
    const mailbox = await branded(`${PREFIX}/dev/mailbox?to=${encodeURIComponent(user.email)}`, {
      headers: { Accept: "application/json" },
    });
    const { messages } = (await mailbox.json()) as { messages: { link: string }[] };
    const res = await page(branded, linkPath(messages[0]!.link));
    const csp = res.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("script-src 'sha256-");
    expect(csp).toContain("img-src 'self' data: https://cdn.example.com;");
  });

  it("draws the stylesheet's accent from BRAND_COLOR, with the AA text colours for light and dark", async () => {
    const css = await (await branded(`${PREFIX}/style.css`)).text();
    const { accent, onAccent, textOnLight, textOnDark } = brandPalette("#ffd400");
    expect(css).toContain(`--accent:${accent};--accent-fg:${onAccent};--link:${textOnLight}`);
    expect(css).toMatch(new RegExp(`@media \\(prefers-color-scheme:dark\\)\\{:root\\{[^}]*--link:${textOnDark}`));
  });

  it("shows the support contact on the sign-out page too", async () => {
    const user = await makeUser();
    const cookie = await signInByLink(user.email, branded);
    const html = await (await page(branded, `${PREFIX}/logout`, cookie)).text();
    expect(html).toContain("Need help?");
    expect(html).toContain("mailto:help@example.com");
  });
});

describe("brand in the email", () => {
  const base = {
    appName: "Acme",
    email: "ada@example.com",
    link: "https://app.example.com/.sesame/link?sesame=abc",
    code: "123456",
    minutes: 10,
    ip: "203.0.113.7",
    userAgent: null,
  };
  const brand = { logoUrl: LOGO, palette: brandPalette("#ffd400"), supportUrl: BRANDED.SUPPORT_URL, supportEmail: BRANDED.SUPPORT_EMAIL };

  it("loads no remote image unless BRAND_LOGO_URL is set", () => {
    expect(renderLoginEmail(base).html).not.toMatch(/<img|url\(/);
    expect(renderLoginEmail({ ...base, brand }).html).toContain(`<img src="${LOGO}" alt="Acme"`);
  });

  it("fills the button with the brand colour and writes on it in the AA colour", () => {
    const { html } = renderLoginEmail({ ...base, brand });
    expect(html).toContain('<td bgcolor="#ffd400" style="border-radius:8px;background:#ffd400">');
    expect(html).toMatch(/<a href="[^"]+" style="[^"]*color:#000000;text-decoration:none">Sign in<\/a>/);
  });

  it("names both support contacts in the HTML and the text part", () => {
    const { html, text } = renderLoginEmail({ ...base, brand, locale: "de" });
    expect(text).toContain("Brauchen Sie Hilfe? https://help.example.com/sign-in · help@example.com\n");
    expect(html).toContain('href="mailto:help@example.com"');
    expect(html).toContain("Brauchen Sie Hilfe?");
  });
});
