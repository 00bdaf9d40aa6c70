import { encodeBase64url } from "./base64url";
import { sha256 } from "./bytes";

/**
 * The only form in which a token is ever stored or logged. Tokens carry 128 bits of MAC,
 * so a plain SHA-256 cannot be reversed or guessed.
 */
export async function hashToken(token: string): Promise<string> {
  return encodeBase64url(await sha256(token));
}

/**
 * hashToken(token), taken at the first call and shared by every later one: for a path where
 * several steps may need the hash (the user lookup, the revocation read, the log line) and
 * a refused token may need none.
 */
export function hashTokenOnce(token: string): () => Promise<string> {
  let hash: Promise<string> | undefined;
  return () => (hash ??= hashToken(token));
}
