/**
 * Picks the mailer MAILER names. Routes call `createMailer(config, env).send(message)` and
 * handle MailDeliveryError; they never know which provider is behind it.
 */
import type { Config } from "../config";
import { createDb } from "../db/client";
import { createDevMailer } from "./dev";
import { createMailChannelsMailer } from "./mailchannels";
import type { Mailer } from "./types";

export { MailDeliveryError, type MailDeliveryErrorCode } from "./errors";
export { type LoginEmailInput, renderLoginEmail } from "./login-email";
export type { Mailer, MailMessage } from "./types";

export function createMailer(config: Config, env: { DB: D1Database }): Mailer {
  switch (config.mail.kind) {
    case "mailchannels":
      return createMailChannelsMailer(config.mail);
    case "dev":
      return createDevMailer(config, createDb(env.DB));
  }
}
