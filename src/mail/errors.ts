/**
 * Why a message could not be handed to the provider. Callers switch on `code`, never on
 * the message text; neither ever holds the recipient, the link or the code.
 */
export type MailDeliveryErrorCode =
  /** The provider refused the request (4xx): our configuration or the address is wrong. */
  | "provider_rejected"
  /** The provider failed (5xx or an unexpected answer): worth trying again later. */
  | "provider_failed"
  /** No answer within MAIL_TIMEOUT. */
  | "timeout"
  /** The request never completed: DNS, connection refused or reset. */
  | "network";

export class MailDeliveryError extends Error {
  constructor(
    readonly code: MailDeliveryErrorCode,
    /** The provider's HTTP status, when it answered. */
    readonly status?: number,
  ) {
    super(status === undefined ? `mail delivery failed: ${code}` : `mail delivery failed: ${code} (HTTP ${status})`);
    this.name = "MailDeliveryError";
  }
}
