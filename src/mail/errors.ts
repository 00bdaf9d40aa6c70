/**
 * Why a message could not be handed to the provider. Callers switch on `code`, never on
 * the message text; neither ever holds the recipient, the link or the code.
 */
export type MailDeliveryErrorCode =
  /** The provider refused the request (4xx, or a refusing error code): our configuration or the address is wrong. */
  | "provider_rejected"
  /** The provider failed (5xx or an unexpected answer): worth trying again later. */
  | "provider_failed"
  /** No answer within MAIL_TIMEOUT. */
  | "timeout"
  /** The request never completed: DNS, connection refused or reset. */
  | "network";

export interface MailDeliveryErrorDetails {
  /** Which provider failed ("cloudflare", "mailchannels"). */
  provider?: string;
  /** The provider's own error code, when it has one (Email Service: `E_RATE_LIMIT_EXCEEDED`...). */
  providerCode?: string;
  /**
   * Whether the next provider of a MAILER list may try the same message. False when the
   * address or the message itself was refused: another provider would only be refused too
   * (docs/mail.md, "Failover").
   */
  movesOn?: boolean;
}

export class MailDeliveryError extends Error {
  readonly provider: string | null;
  readonly providerCode: string | null;
  readonly movesOn: boolean;
  /** Earlier attempts of the same send that failed and moved on to the next provider. */
  earlier: MailDeliveryError[] = [];

  constructor(
    readonly code: MailDeliveryErrorCode,
    /** The provider's HTTP status, when it answered. */
    readonly status?: number,
    details: MailDeliveryErrorDetails = {},
  ) {
    super(status === undefined ? `mail delivery failed: ${code}` : `mail delivery failed: ${code} (HTTP ${status})`);
    this.name = "MailDeliveryError";
    this.provider = details.provider ?? null;
    this.providerCode = details.providerCode ?? null;
    this.movesOn = details.movesOn ?? code !== "provider_rejected";
  }
}
