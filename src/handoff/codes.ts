/**
 * Handoff codes (docs/access.md, "One sign-in for every app"): 256 random bits, shown once in
 * the URL back to the app host; D1 holds only their hash. Presenting a code deletes its row
 * in the same statement that reads it, so exactly one presentation ever sees it, whatever the
 * bindings then say: a code that fails a check is gone too.
 */
import { eq, lt } from "drizzle-orm";
import type { Database } from "../db/client";
import { handoffCodes } from "../db/schema";
import { encodeBase64url, hashToken } from "../tokens";

/** How long a code lives: the browser is redirected at once, so a minute is plenty. */
const HANDOFF_CODE_SECONDS = 60;
const CODE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface HandoffBinding {
  sessionId: string;
  app: string;
  /** The app host's origin the code may be presented at (scheme, host, port). */
  origin: string;
  /** Where the app host sends the browser afterwards: a path on that host. */
  path: string;
  stateHash: string;
}

/** Stores a new code for `binding` and returns it; expired rows are swept on the way. */
export async function issueHandoffCode(db: Database, binding: HandoffBinding, now = Date.now()): Promise<string> {
  const code = encodeBase64url(crypto.getRandomValues(new Uint8Array(32)));
  await db.batch([
    db.delete(handoffCodes).where(lt(handoffCodes.expiresAt, now)),
    db.insert(handoffCodes).values({ codeHash: await hashToken(code), ...binding, expiresAt: now + HANDOFF_CODE_SECONDS * 1000 }),
  ]);
  return code;
}

/** Consumes `code`: its binding if it existed and had not expired, else null. Either way it is gone. */
export async function consumeHandoffCode(db: Database, code: string, now = Date.now()): Promise<HandoffBinding | null> {
  if (!CODE_SHAPE.test(code)) return null;
  const row = await db
    .delete(handoffCodes)
    .where(eq(handoffCodes.codeHash, await hashToken(code)))
    .returning()
    .get();
  if (!row || row.expiresAt <= now) return null;
  const { sessionId, app, origin, path, stateHash } = row;
  return { sessionId, app, origin, path, stateHash };
}
