/**
 * The sign-in email (docs/mail.md, "The email"): a magic link and the same login's code,
 * in a text part and an HTML part that say the same, in the language of the page that
 * asked for it. Everything from the request (address, IP, user agent) goes into the HTML
 * through hono/jsx, which escapes it; the subject is built from APP_NAME only.
 *
 * The HTML is what mail clients render reliably: one column of nested tables, inline
 * styles (many clients drop <style>), a bulletproof button (a link inside a filled cell),
 * no remote image unless BRAND_LOGO_URL is set, and a `prefers-color-scheme` block plus
 * `color-scheme` meta for the clients that honour dark mode.
 */
import type { Brand } from "../brand";
import { createTranslator, type Locale, type Translator } from "../i18n";
import { describeUserAgent } from "./describe-user-agent";
import { toHeaderText } from "./header-safety";

export interface LoginEmailInput {
  appName: string;
  /** The address the email goes to (normalised). */
  email: string;
  /** The full magic link, `${PUBLIC_URL}${AUTH_PREFIX}/link?sesame=...`. */
  link: string;
  /** The digits as issued, ungrouped. */
  code: string;
  /** How long the link and code stay valid. */
  minutes: number;
  /** The requesting client's IP (CF-Connecting-IP). */
  ip: string;
  userAgent: string | null;
  /** The language of the page that asked (default English). */
  locale?: Locale;
  /** Logo, colour and support contact (default: none, the built-in blue). */
  brand?: Brand;
}

export interface LoginEmail {
  subject: string;
  text: string;
  html: string;
  /** The BCP 47 tag of the language it is written in: the Content-Language header. */
  language: Locale;
}

const NO_BRAND: Brand = { logoUrl: null, palette: null, supportUrl: null, supportEmail: null };

export function renderLoginEmail(input: LoginEmailInput): LoginEmail {
  const i18n = createTranslator(input.locale ?? "en");
  const { t } = i18n;
  const brand = input.brand ?? NO_BRAND;
  const appName = toHeaderText(input.appName);
  const expiry = t("email.expiry", { expiry: i18n.relativeTime(input.minutes * 60) });
  const origin = t("email.origin", { browser: describeUserAgent(input.userAgent, i18n), ip: input.ip });
  const contacts = [brand.supportUrl, brand.supportEmail].filter((c) => c !== null);
  const text = [
    t("email.subject", { appName }),
    "",
    t("email.yourCode", { code: input.code }),
    "",
    t("email.openLink", { email: input.email }),
    input.link,
    "",
    expiry,
    origin,
    "",
    t("email.ignore"),
    "",
    ...(contacts.length ? [t("common.help", { contact: contacts.join(" · ") }), ""] : []),
  ].join("\n");
  const html =
    "<!doctype html>" +
    (
      <LoginEmailHtml
        i18n={i18n}
        brand={brand}
        appName={appName}
        email={input.email}
        link={input.link}
        code={groupCode(input.code)}
        notes={[expiry, origin]}
      />
    ).toString();
  return { subject: t("email.subject", { appName }), text, html, language: i18n.locale };
}

/** "123456" -> "123 456", "12345678" -> "1234 5678": easier to read and type across devices. */
export function groupCode(code: string): string {
  const size = code.length % 3 === 0 ? 3 : code.length % 4 === 0 ? 4 : 3;
  const groups = code.match(new RegExp(`.{1,${size}}`, "g")) ?? [code];
  // A lone trailing digit reads as a typo: fold it into the group before.
  if (groups.length > 1 && groups.at(-1)?.length === 1) groups.splice(-2, 2, groups.slice(-2).join(""));
  return groups.join(" ");
}

// The light theme, inline; the dark theme in DARK_CSS for clients that support it.
const FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,'Hiragino Sans','Noto Sans CJK JP',sans-serif";
const PAGE = "margin:0;padding:0;background:#f6f6f4";
const CARD = "max-width:480px;background:#ffffff;border:1px solid #d4d4d0;border-radius:12px";
const CELL = `padding:28px 24px;${FONT};font-size:16px;line-height:1.5;color:#1a1a1a`;
const CODE =
  "font-size:28px;font-weight:700;letter-spacing:4px;font-family:ui-monospace,Menlo,Consolas,monospace;margin:8px 0 16px;color:#1a1a1a";
const MUTED = "color:#555555;font-size:14px;margin:0 0 12px";
const DEFAULT_ACCENT = { accent: "#1d4ed8", onAccent: "#ffffff", textOnLight: "#1d4ed8", textOnDark: "#6b9bff" };

function darkCss(linkOnDark: string): string {
  return `@media (prefers-color-scheme: dark){.page{background:#141414!important}.card{background:#1f1f1f!important;border-color:#3a3a3a!important}.fg{color:#ececec!important}.muted{color:#b0b0b0!important}.link{color:${linkOnDark}!important}}`;
}

interface HtmlProps {
  i18n: Translator;
  brand: Brand;
  appName: string;
  email: string;
  link: string;
  code: string;
  notes: string[];
}

function LoginEmailHtml({ i18n, brand, appName, email, link, code, notes }: HtmlProps) {
  const { t } = i18n;
  const colors = brand.palette ?? DEFAULT_ACCENT;
  const linkStyle = `color:${colors.textOnLight};word-break:break-all`;
  return (
    <html lang={i18n.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <title>{t("email.subject", { appName })}</title>
        <style dangerouslySetInnerHTML={{ __html: darkCss(colors.textOnDark) }} />
      </head>
      <body class="page" style={PAGE}>
        <table role="presentation" width="100%" cellpadding={0} cellspacing={0} border={0} class="page" style={PAGE}>
          <tr>
            <td align="center" style="padding:24px 12px">
              <table role="presentation" width="100%" cellpadding={0} cellspacing={0} border={0} class="card" style={CARD}>
                <tr>
                  <td class="fg" style={CELL}>
                    {brand.logoUrl && (
                      <img
                        src={brand.logoUrl}
                        alt={appName}
                        height={40}
                        style="display:block;height:40px;width:auto;border:0;margin:0 0 20px"
                      />
                    )}
                    <h1 class="fg" style="font-size:20px;line-height:1.3;margin:0 0 12px;color:#1a1a1a">
                      {t("email.subject", { appName })}
                    </h1>
                    <p style="margin:0 0 16px">{i18n.parts("email.buttonIntro", { email: <strong>{email}</strong> })}</p>
                    <table role="presentation" cellpadding={0} cellspacing={0} border={0} style="margin:0 0 20px">
                      <tr>
                        <td bgcolor={colors.accent} style={`border-radius:8px;background:${colors.accent}`}>
                          <a
                            href={link}
                            style={`display:inline-block;padding:12px 24px;border-radius:8px;${FONT};font-size:16px;font-weight:600;color:${colors.onAccent};text-decoration:none`}
                          >
                            {t("email.button")}
                          </a>
                        </td>
                      </tr>
                    </table>
                    <p style="margin:0">{t("email.codeIntro")}</p>
                    <p class="fg" style={CODE}>
                      {code}
                    </p>
                    <p class="muted" style={MUTED}>
                      {notes.flatMap((note, i) => (i === 0 ? [note] : [<br />, note]))}
                    </p>
                    <p class="muted" style={MUTED}>
                      {t("email.ignore")}
                    </p>
                    <p class="muted" style={MUTED}>
                      {t("email.copyLink")}
                      <br />
                      <a href={link} class="link" style={linkStyle}>
                        {link}
                      </a>
                    </p>
                    <SupportParagraph i18n={i18n} brand={brand} linkStyle={linkStyle} />
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
}

function SupportParagraph({ i18n, brand, linkStyle }: { i18n: Translator; brand: Brand; linkStyle: string }) {
  const { supportUrl, supportEmail } = brand;
  if (!supportUrl && !supportEmail) return null;
  const contact = (
    <>
      {supportUrl && (
        <a href={supportUrl} class="link" style={linkStyle}>
          {supportUrl}
        </a>
      )}
      {supportUrl && supportEmail && " · "}
      {supportEmail && (
        <a href={`mailto:${supportEmail}`} class="link" style={linkStyle}>
          {supportEmail}
        </a>
      )}
    </>
  );
  return (
    <p class="muted" style={MUTED}>
      {i18n.parts("common.help", { contact })}
    </p>
  );
}
