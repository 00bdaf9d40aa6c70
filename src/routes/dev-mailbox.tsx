/**
 * MAILER=dev only (app.ts mounts it under AUTH_PREFIX/dev/mailbox with no other mailer):
 * the local mailbox. GET lists unexpired messages newest first, as a page for browsers and
 * as JSON for scripts and tests; `?to=` keeps one address; DELETE clears (also with `?to=`).
 * It exists only with the dev mailer, which config refuses unless PUBLIC_URL is a dev host.
 * On loopback or `*.localhost` it is open: nobody else can reach it. On a private-network
 * address anyone on the LAN could, so it asks for `?token=`, the value `npm run dev` prints
 * (devMailboxToken), compared in constant time. Only PUBLIC_URL decides: a `Host: localhost`
 * header or a forged CF-Connecting-IP opens nothing (docs/security.md, "The dev mailbox").
 */
import { Hono } from "hono";
import type { Config } from "../config";
import type { AppEnv } from "../env";
import { BadRequestError, ForbiddenError } from "../errors";
import { devMailboxIsOpen, devMailboxToken } from "../http/dev-hosts";
import { wantsHtml } from "../http/request-info";
import { clearDevMessages, DEV_MESSAGE_TTL_MS, type DevMessage, listDevMessages } from "../mail/dev";
import { extractLoginDetails } from "../mail/extract-login-details";
import { Layout } from "../pages/layout";
import type { Site } from "../pages/site";
import { timingSafeEqualSecrets } from "../tokens";
import { isValidEmail, normalizeEmail } from "../users/email";
import { siteOf } from "./auth-context";

interface MailboxEntry {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** ISO 8601. */
  createdAt: string;
  /** The sign-in link found in the message, if any. */
  link: string | null;
  /** The code found in the message, digits only, if any. */
  code: string | null;
  /** The language the HTML part declares (`<html lang>`), which is what Content-Language said. */
  language: string | null;
}

export function devMailboxRoutes(config: Config) {
  const mailbox = new Hono<AppEnv>();
  const open = devMailboxIsOpen(config.publicUrl);

  mailbox.use(async function requireMailboxToken(c, next) {
    if (!open) {
      const presented = c.req.query("token") ?? "";
      if (!presented || !(await timingSafeEqualSecrets(presented, await devMailboxToken(config.secrets.sesame[0] ?? "")))) {
        throw new ForbiddenError(
          "dev_mailbox_token",
          "On a network address the dev mailbox needs ?token=, the value npm run dev prints with the mailbox URL.",
        );
      }
    }
    await next();
  });

  mailbox.get("/", async function listMailbox(c) {
    const to = readRecipient(c.req.query("to"));
    const entries = (await listDevMessages(c.var.db, { to })).map(toEntry);
    // One URL, two representations, the page in the reader's language: caches (none should
    // keep it anyway) must tell them apart.
    c.header("Vary", "Accept, Accept-Language");
    c.header("X-Robots-Tag", "noindex");
    if (!wantsHtml(c.req.raw)) return c.json({ messages: entries });
    const site = siteOf(c);
    c.header("Content-Language", site.i18n.locale);
    return c.html(`<!doctype html>${(<MailboxPage site={site} entries={entries} to={to} />).toString()}`);
  });

  mailbox.delete("/", async function clearMailbox(c) {
    const to = readRecipient(c.req.query("to"));
    const deleted = await clearDevMessages(c.var.db, { to });
    return c.json({ deleted });
  });

  return mailbox;
}

function readRecipient(raw: string | undefined): string | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const email = normalizeEmail(raw);
  if (!isValidEmail(email)) throw new BadRequestError("to", "to must be an email address");
  return email;
}

const HTML_LANG = /^<!doctype html>\s*<html\s+lang="([A-Za-z0-9-]{1,35})"/i;

function toEntry(message: DevMessage): MailboxEntry {
  return {
    ...message,
    createdAt: new Date(message.createdAt).toISOString(),
    ...extractLoginDetails(message.text),
    language: HTML_LANG.exec(message.html)?.[1] ?? null,
  };
}

function MailboxPage({ site, entries, to }: { site: Site; entries: MailboxEntry[]; to: string | undefined }) {
  const { t, duration } = site.i18n;
  const kept = duration(DEV_MESSAGE_TTL_MS / 1000);
  return (
    <Layout site={site} title={t("mailbox.title")} wide>
      <h1>{t("mailbox.title")}</h1>
      <p class="lead">{to ? t("mailbox.leadTo", { to, duration: kept }) : t("mailbox.lead", { duration: kept })}</p>
      {entries.length === 0 ? <p>{t("mailbox.empty")}</p> : entries.map((entry) => <MailboxMessage site={site} entry={entry} />)}
      <p>
        <small>{t("mailbox.json")}</small>
      </p>
    </Layout>
  );
}

function MailboxMessage({ site, entry }: { site: Site; entry: MailboxEntry }) {
  const { t, dateTime } = site.i18n;
  return (
    <article lang={entry.language ?? undefined}>
      <hr />
      <h2>{entry.subject}</h2>
      <table lang={site.i18n.locale}>
        <tbody>
          <tr>
            <th>{t("mailbox.to")}</th>
            <td>{entry.to}</td>
          </tr>
          <tr>
            <th>{t("mailbox.time")}</th>
            <td>
              <time datetime={entry.createdAt}>{dateTime(Date.parse(entry.createdAt))}</time>
            </td>
          </tr>
          {entry.language && (
            <tr>
              <th>{t("mailbox.language")}</th>
              <td>{entry.language}</td>
            </tr>
          )}
          {entry.link && (
            <tr>
              <th>{t("mailbox.link")}</th>
              <td>
                <a href={entry.link} rel="noreferrer">
                  {entry.link}
                </a>
              </td>
            </tr>
          )}
          {entry.code && (
            <tr>
              <th>{t("mailbox.code")}</th>
              <td>
                <strong>{entry.code}</strong>
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <pre>{entry.text}</pre>
    </article>
  );
}
