/**
 * MAILER=mailchannels: the MailChannels Email API (POST /tx/v1/send with X-Api-Key).
 * https://docs.mailchannels.net/email-api/api-reference/send-an-email
 *
 * No retry here: the user is waiting on the page, a retry after a timeout could deliver
 * the same email twice, and the user can simply ask again (rate limited).
 */
import type { Config } from "../config";
import { MailDeliveryError } from "./errors";
import { assertHeaderSafe } from "./header-safety";
import type { MailMessage, ProviderMailer } from "./types";

type MailConfig = Config["mail"];

/**
 * Answers that refuse the message or its address itself (bad request, too large,
 * unprocessable): another provider would be refused too, so a MAILER list stops here.
 * Every other failure (401/403 key or domain set-up, 429, 5xx, redirects, timeouts, network)
 * is this provider's trouble and moves on (docs/mail.md, "Failover").
 */
const REFUSED_MESSAGE_STATUSES: ReadonlySet<number> = new Set([400, 413, 422]);

/** The JSON body MailChannels expects; DKIM fields appear only when all three are configured. */
function buildMailChannelsRequest(mail: MailConfig, message: MailMessage) {
  assertHeaderSafe("recipient", message.to);
  assertHeaderSafe("subject", message.subject);
  assertHeaderSafe("sender name", mail.fromName);
  if (message.language) assertHeaderSafe("language", message.language);
  const personalization: Record<string, unknown> = { to: [{ email: message.to }] };
  // Per-recipient headers live in the personalization in MailChannels' API.
  if (message.language) personalization.headers = { "Content-Language": message.language };
  if (mail.dkim) {
    personalization.dkim_domain = mail.dkim.domain;
    personalization.dkim_selector = mail.dkim.selector;
    personalization.dkim_private_key = mail.dkim.privateKey;
  }
  return {
    personalizations: [personalization],
    from: { email: mail.from, name: mail.fromName },
    subject: message.subject,
    // Plain text first: clients show the last part they can render (RFC 2046 section 5.1.4).
    content: [
      { type: "text/plain", value: message.text },
      { type: "text/html", value: message.html },
    ],
  };
}

export function createMailChannelsMailer(mail: MailConfig): ProviderMailer {
  if (!mail.apiKey) throw new TypeError("MAILER=mailchannels needs MAILCHANNELS_API_KEY");
  const apiKey = mail.apiKey;
  return {
    provider: "mailchannels",
    async send(message) {
      const body = JSON.stringify(buildMailChannelsRequest(mail, message));
      let response: Response;
      try {
        response = await fetch(mail.apiUrl, {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-Api-Key": apiKey },
          body,
          // A followed 307/308 would re-send X-Api-Key (not a credential header to fetch)
          // to wherever Location points: a redirect is a provider failure, never followed.
          redirect: "manual",
          signal: AbortSignal.timeout(mail.timeoutMs),
        });
        // The answer's body is never needed (and never logged: it may echo the message).
        await response.body?.cancel();
      } catch (error) {
        throw logFailure(
          message.to,
          new MailDeliveryError(isTimeout(error) ? "timeout" : "network", undefined, { provider: "mailchannels" }),
        );
      }
      if (response.status >= 200 && response.status < 300) return;
      const code = response.status >= 400 && response.status < 500 ? "provider_rejected" : "provider_failed";
      const movesOn = !REFUSED_MESSAGE_STATUSES.has(response.status);
      throw logFailure(message.to, new MailDeliveryError(code, response.status, { provider: "mailchannels", movesOn }));
    },
  };
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/**
 * One JSON line per failure: the code, the status and the recipient's domain (enough to see
 * "every gmail.com address is refused"); never the address, the body, the link or the code.
 */
function logFailure(to: string, error: MailDeliveryError): MailDeliveryError {
  console.error(
    JSON.stringify({
      level: "error",
      msg: "mail_delivery_failed",
      provider: "mailchannels",
      code: error.code,
      status: error.status ?? null,
      // Addresses reach us validated; should one not, log nothing of it rather than all of it.
      recipientDomain: to.includes("@") ? to.slice(to.lastIndexOf("@") + 1) : null,
    }),
  );
  return error;
}
