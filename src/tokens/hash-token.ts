import { encodeBase64url } from "./base64url";
import { sha256 } from "./bytes";

/**
 * The only form in which a token is ever stored or logged. Tokens carry 128 bits of MAC,
 * so a plain SHA-256 cannot be reversed or guessed.
 */
export async function hashToken(token: string): Promise<string> {
  return encodeBase64url(await sha256(token));
}
