/**
 * Picks the mailers MAILER names. Routes call `createMailer(config, env).send(message)` and
 * handle MailDeliveryError; they never know which provider is behind it.
 */
import type { Config } from "../config";
import { createDb } from "../db/client";
import { createCloudflareMailer, type EmailBinding } from "./cloudflare";
import { createDevMailer } from "./dev";
import { createFailoverMailer } from "./failover";
import { createMailChannelsMailer } from "./mailchannels";
import type { Mailer, ProviderMailer } from "./types";

export { MailDeliveryError } from "./errors";
export { renderLoginEmail } from "./login-email";
export type { Mailer, MailMessage, MailReceipt } from "./types";

export function createMailer(config: Config, env: { DB: D1Database; EMAIL?: unknown }): Mailer {
  const providers = config.mail.providers.map((kind): ProviderMailer => {
    switch (kind) {
      case "cloudflare":
        return createCloudflareMailer(config.mail, env.EMAIL as EmailBinding | undefined);
      case "mailchannels":
        return createMailChannelsMailer(config.mail);
      default:
        return createDevMailer(config, createDb(env.DB));
    }
  });
  return createFailoverMailer(providers);
}
