/**
 * `:user` in admin paths is a user id (UUID) or an email address. Shared by every admin
 * route file, so all of them accept the same references and fail the same way.
 */
import type { Database } from "../db/client";
import type { User } from "../db/schema";
import { NotFoundError } from "../errors";
import { isUuid } from "../tokens";
import { MAX_EMAIL_LENGTH, normalizeEmail } from "../users/email";
import { findUserByEmail, findUserById } from "../users/store";

/**
 * Finds the user named by `ref`: a UUID (any case) is looked up as an id, anything with an
 * @ as an email (normalised first). Throws NotFoundError (404) otherwise; the message never
 * echoes `ref`, which may be an address the caller has no business probing in logs.
 */
export async function resolveUser(db: Database, ref: string): Promise<User> {
  const trimmed = ref.trim();
  let user: User | null = null;
  if (isUuid(trimmed.toLowerCase())) user = await findUserById(db, trimmed.toLowerCase());
  else if (trimmed.includes("@") && trimmed.length <= MAX_EMAIL_LENGTH + 64) {
    user = await findUserByEmail(db, normalizeEmail(trimmed));
  }
  if (!user) throw new NotFoundError("No such user");
  return user;
}
