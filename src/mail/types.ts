/**
 * The mail contract: one message, both parts, to one recipient. Senders implement `Mailer`
 * (mailchannels.ts for production, dev.ts for the local mailbox); routes only see this.
 */
export interface MailMessage {
  /** A normalised, validated address: callers must never pass raw user input here. */
  to: string;
  subject: string;
  text: string;
  html: string;
  /** The BCP 47 tag of the message's language, sent as Content-Language (default: none sent). */
  language?: string;
}

export interface Mailer {
  /** Resolves once the provider accepted the message; throws MailDeliveryError otherwise. */
  send(message: MailMessage): Promise<void>;
}
