/**
 * MAILER=cloudflare: Cloudflare Email Service through the Worker's `send_email` binding
 * `EMAIL` (`[[send_email]] name = "EMAIL"` in wrangler.toml). The binding fails by throwing
 * errors that carry a `code` (E_RATE_LIMIT_EXCEEDED, E_RECIPIENT_SUPPRESSED...), not HTTP
 * statuses; docs/mail.md has the table of which codes move on to the next provider.
 */
import type { Config } from "../config";
import { MailDeliveryError } from "./errors";
import { assertHeaderSafe } from "./header-safety";
import type { ProviderMailer } from "./types";

/** The binding as this code uses it: the builder form of SendEmail.send. */
export interface EmailBinding {
  send(message: {
    from: { email: string; name: string };
    to: string;
    subject: string;
    html: string;
    text: string;
    headers?: Record<string, string>;
  }): Promise<unknown>;
}

/**
 * Codes that refuse the address or the message itself: another provider would be refused
 * too (or, for a suppressed address, must not be asked), so a MAILER list stops there.
 */
const REFUSED_CODES: ReadonlySet<string> = new Set([
  "E_RECIPIENT_SUPPRESSED",
  "E_DELIVERY_FAILED",
  "E_VALIDATION_ERROR",
  "E_FIELD_MISSING",
  "E_TOO_MANY_RECIPIENTS",
  "E_TOO_MANY_ATTACHMENTS",
  "E_CONTENT_TOO_LARGE",
  "E_HEADER_NOT_ALLOWED",
  "E_HEADER_USE_API_FIELD",
  "E_HEADER_VALUE_INVALID",
  "E_HEADER_VALUE_TOO_LONG",
  "E_HEADER_NAME_INVALID",
  "E_HEADERS_TOO_LARGE",
  "E_HEADERS_TOO_MANY",
]);
/** Codes that say this provider cannot send for us now (set-up, quota, outage): the next one may. */
const PROVIDER_CODES: ReadonlySet<string> = new Set([
  "E_SENDER_NOT_VERIFIED",
  "E_SENDER_DOMAIN_NOT_AVAILABLE",
  "E_RECIPIENT_NOT_ALLOWED",
  "E_RATE_LIMIT_EXCEEDED",
  "E_DAILY_LIMIT_EXCEEDED",
  "E_INTERNAL_SERVER_ERROR",
]);

export function createCloudflareMailer(mail: Config["mail"], binding: EmailBinding | undefined): ProviderMailer {
  if (!binding || typeof binding.send !== "function") throw new TypeError('MAILER=cloudflare needs the send_email binding "EMAIL"');
  return {
    provider: "cloudflare",
    async send(message) {
      assertHeaderSafe("recipient", message.to);
      assertHeaderSafe("subject", message.subject);
      assertHeaderSafe("sender name", mail.fromName);
      if (message.language) assertHeaderSafe("language", message.language);
      const sending = binding.send({
        from: { email: mail.from, name: mail.fromName },
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        ...(message.language ? { headers: { "Content-Language": message.language } } : {}),
      });
      // After a timeout nobody awaits it any more: its late failure must not go unhandled.
      sending.catch(() => {});
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), mail.timeoutMs);
      });
      try {
        if ((await Promise.race([sending, late])) === "timeout") throw deliveryError(null, true);
      } catch (error) {
        if (error instanceof MailDeliveryError) throw logFailure(message.to, error);
        throw logFailure(message.to, deliveryError(error, false));
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/** Maps what the binding threw to our error: its `code` decides, never its message. */
function deliveryError(thrown: unknown, timedOut: boolean): MailDeliveryError {
  if (timedOut) return new MailDeliveryError("timeout", undefined, { provider: "cloudflare" });
  const raw = thrown && typeof thrown === "object" && "code" in thrown ? (thrown as { code: unknown }).code : undefined;
  const providerCode = typeof raw === "string" && /^E_[A-Z_]{1,60}$/.test(raw) ? raw : undefined;
  if (providerCode && REFUSED_CODES.has(providerCode)) {
    return new MailDeliveryError("provider_rejected", undefined, { provider: "cloudflare", providerCode, movesOn: false });
  }
  if (providerCode && PROVIDER_CODES.has(providerCode)) {
    const code = providerCode === "E_INTERNAL_SERVER_ERROR" ? "provider_failed" : "provider_rejected";
    return new MailDeliveryError(code, undefined, { provider: "cloudflare", providerCode, movesOn: true });
  }
  // A code we do not know yet, or none at all: the provider's trouble, not the address's.
  return new MailDeliveryError("provider_failed", undefined, { provider: "cloudflare", providerCode, movesOn: true });
}

/** One JSON line per failure, like mailchannels.ts: codes and the recipient's domain only. */
function logFailure(to: string, error: MailDeliveryError): MailDeliveryError {
  console.error(
    JSON.stringify({
      level: "error",
      msg: "mail_delivery_failed",
      provider: "cloudflare",
      code: error.code,
      providerCode: error.providerCode,
      recipientDomain: to.includes("@") ? to.slice(to.lastIndexOf("@") + 1) : null,
    }),
  );
  return error;
}
