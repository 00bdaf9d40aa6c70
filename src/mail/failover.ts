/**
 * MAILER=cloudflare,mailchannels: the providers are tried in order with the very same
 * message (same link, same code), moving on only when a failure is the provider's and not
 * the address's (MailDeliveryError.movesOn; the table is in docs/mail.md). A timeout moves
 * on too: the first provider may still deliver, and then the person gets two copies of one
 * email whose link and code both work, which beats getting none.
 */
import { MailDeliveryError } from "./errors";
import type { Mailer, MailMessage, ProviderMailer } from "./types";

export function createFailoverMailer(providers: ProviderMailer[]): Mailer {
  if (providers.length === 0) throw new TypeError("a mailer needs at least one provider");
  return {
    async send(message: MailMessage) {
      const earlier: MailDeliveryError[] = [];
      for (const [index, provider] of providers.entries()) {
        try {
          await provider.send(message);
          return { provider: provider.provider, earlier };
        } catch (error) {
          if (!(error instanceof MailDeliveryError)) throw error;
          const last = index === providers.length - 1;
          if (last || !error.movesOn) {
            error.earlier = earlier;
            throw error;
          }
          earlier.push(error);
        }
      }
      throw new TypeError("unreachable: the last provider either sent or threw");
    },
  };
}
