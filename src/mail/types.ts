/**
 * The mail contract: one message, both parts, to one recipient. Providers implement
 * `ProviderMailer` (cloudflare.ts, mailchannels.ts, dev.ts); routes only see `Mailer`,
 * which tries the providers MAILER names in order (failover.ts).
 */
import type { MailerKind } from "../config";
import type { MailDeliveryError } from "./errors";

export interface MailMessage {
  /** A normalised, validated address: callers must never pass raw user input here. */
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The BCP 47 tag of the message's language, sent as Content-Language (default: none sent). */
  language?: string;
}

/** One provider. Resolves once it accepted the message; throws MailDeliveryError otherwise. */
export interface ProviderMailer {
  provider: MailerKind;
  send(message: MailMessage): Promise<void>;
}

/** Which provider took the message, and the attempts that failed before it. */
export interface MailReceipt {
  provider: MailerKind;
  earlier: MailDeliveryError[];
}

export interface Mailer {
  /**
   * Resolves once a provider accepted the message; throws MailDeliveryError (with the
   * failed attempts before it in `earlier`) when none did.
   */
  send(message: MailMessage): Promise<MailReceipt>;
}
