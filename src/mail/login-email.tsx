/**
 * The sign-in email: a magic link and the same login's code, in a text part and an HTML
 * part. Everything from the request (address, IP, user agent) goes into the HTML through
 * hono/jsx, which escapes it; the subject is built from APP_NAME only.
 */
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
}

const IGNORE_NOTICE = "If you did not ask to sign in, ignore this email: nobody can sign in without the link or code.";

export function renderLoginEmail(input: LoginEmailInput): { subject: string; text: string; html: string } {
  const appName = toHeaderText(input.appName);
  const browser = describeUserAgent(input.userAgent);
  const lifetime = input.minutes === 1 ? "1 minute" : `${input.minutes} minutes`;
  const origin = `This request came from ${browser} at IP address ${input.ip}.`;
  const text = [
    `Sign in to ${appName}`,
    "",
    `Your code: ${input.code}`,
    "",
    `Or open this link to sign in as ${input.email}:`,
    input.link,
    "",
    `The link and the code expire in ${lifetime}.`,
    origin,
    "",
    IGNORE_NOTICE,
    "",
  ].join("\n");
  const html =
    "<!doctype html>" +
    (
      <LoginEmailHtml
        appName={appName}
        email={input.email}
        link={input.link}
        code={groupCode(input.code)}
        lifetime={lifetime}
        origin={origin}
      />
    ).toString();
  return { subject: `Sign in to ${appName}`, text, html };
}

/** "123456" -> "123 456", "12345678" -> "1234 5678": easier to read and type across devices. */
export function groupCode(code: string): string {
  const size = code.length % 3 === 0 ? 3 : code.length % 4 === 0 ? 4 : 3;
  const groups = code.match(new RegExp(`.{1,${size}}`, "g")) ?? [code];
  // A lone trailing digit reads as a typo: fold it into the group before.
  if (groups.length > 1 && groups.at(-1)?.length === 1) groups.splice(-2, 2, groups.slice(-2).join(""));
  return groups.join(" ");
}

interface HtmlProps {
  appName: string;
  email: string;
  link: string;
  code: string;
  lifetime: string;
  origin: string;
}

// Inline styles only: most mail clients drop <style> blocks and never load stylesheets.
const BODY = "margin:0;padding:24px;background:#f6f6f4;color:#1a1a1a;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif";
const CARD = "max-width:28rem;margin:0 auto;background:#ffffff;border:1px solid #d4d4d0;border-radius:12px;padding:24px";
const BUTTON =
  "display:inline-block;padding:12px 20px;border-radius:8px;background:#1d4ed8;color:#ffffff;font-weight:600;text-decoration:none";
const CODE = "font-size:28px;font-weight:700;letter-spacing:4px;font-family:ui-monospace,Menlo,Consolas,monospace;margin:8px 0 16px";
const MUTED = "color:#555555;font-size:14px";

function LoginEmailHtml({ appName, email, link, code, lifetime, origin }: HtmlProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`Sign in to ${appName}`}</title>
      </head>
      <body style={BODY}>
        <div style={CARD}>
          <h1 style="font-size:20px;margin:0 0 12px">{`Sign in to ${appName}`}</h1>
          <p>
            Click the button to sign in as <strong>{email}</strong>:
          </p>
          <p>
            <a href={link} style={BUTTON}>
              Sign in
            </a>
          </p>
          <p>Or enter this code on the sign-in page:</p>
          <p style={CODE}>{code}</p>
          <p style={MUTED}>{`The link and the code expire in ${lifetime}. ${origin}`}</p>
          <p style={MUTED}>{IGNORE_NOTICE}</p>
          <p style={MUTED}>
            If the button does not work, copy this address into your browser:
            <br />
            <span style="word-break:break-all">{link}</span>
          </p>
        </div>
      </body>
    </html>
  );
}
