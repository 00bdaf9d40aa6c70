/**
 * MAILER=dev: nothing leaves the machine. Each message is stored in D1 (`dev_messages`,
 * kept 24 hours) and listed at AUTH_PREFIX/dev/mailbox; one console line points there and
 * shows the sign-in link, so `wrangler dev` users can sign in from the terminal.
 * Never use it in production: anyone who can reach the mailbox can read every message.
 */
import { and, desc, eq, gt, lte, sql } from "drizzle-orm";
import type { Config } from "../config";
import type { Database } from "../db/client";
import { devMessages } from "../db/schema";
import { extractLoginDetails } from "./extract-login-details";
import { assertHeaderSafe } from "./header-safety";
import type { ProviderMailer } from "./types";

/** How long a message stays in the dev mailbox. */
export const DEV_MESSAGE_TTL_MS = 24 * 3600 * 1000;

export interface DevMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  createdAt: number;
}

export function createDevMailer(config: Config, db: Database, clock: () => number = Date.now): ProviderMailer {
  const mailboxUrl = new URL(`${config.authPrefix}/dev/mailbox`, config.publicUrl).href;
  return {
    provider: "dev",
    async send(message) {
      assertHeaderSafe("recipient", message.to);
      assertHeaderSafe("subject", message.subject);
      const now = clock();
      // Pruning on each send keeps the table small; sends are rare, and only in development.
      await db.batch([
        db.delete(devMessages).where(lte(devMessages.expiresAt, now)),
        db.insert(devMessages).values({
          id: crypto.randomUUID(),
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
          createdAt: now,
          expiresAt: now + DEV_MESSAGE_TTL_MS,
        }),
      ]);
      const { link } = extractLoginDetails(message.text);
      console.log(`[dev mailer] a message for ${message.to} is in the dev mailbox at ${mailboxUrl}${link ? ` - link: ${link}` : ""}`);
    },
  };
}

/** Unexpired messages, newest first, optionally only those to one address. */
export async function listDevMessages(db: Database, options: { to?: string; now?: number } = {}): Promise<DevMessage[]> {
  const now = options.now ?? Date.now();
  const live = gt(devMessages.expiresAt, now);
  const rows = await db
    .select({
      id: devMessages.id,
      to: devMessages.to,
      subject: devMessages.subject,
      text: devMessages.text,
      html: devMessages.html,
      createdAt: devMessages.createdAt,
    })
    .from(devMessages)
    .where(options.to ? and(live, eq(devMessages.to, options.to)) : live)
    // rowid breaks ties between messages stored in the same millisecond.
    .orderBy(desc(devMessages.createdAt), desc(sql`rowid`))
    .all();
  return rows;
}

/** Deletes every message, or only those to one address; returns how many went. */
export async function clearDevMessages(db: Database, options: { to?: string } = {}): Promise<number> {
  const result = await db
    .delete(devMessages)
    .where(options.to ? eq(devMessages.to, options.to) : undefined)
    .run();
  return result.meta.changes ?? 0;
}
