/**
 * The `sid` claim of ID tokens (OpenID Connect Front-Channel Logout 1.0 section 3;
 * docs/oidc.md, "Signing out"): which edge session a sign-in came from, so a logout hint can be
 * held to that session. It is an HMAC of the session id under a key of its own, so the raw
 * session id never leaves the edge and a sid reveals nothing a relying party could use elsewhere.
 */
import type { Config } from "../config";
import { deriveKey, deriveKeys, encodeBase64url, hmac, timingSafeEqualSecrets } from "../tokens";

const encoder = new TextEncoder();

async function sidUnder(key: CryptoKey, sessionId: string): Promise<string> {
  return encodeBase64url(await hmac(key, encoder.encode(sessionId)));
}

/** The `sid` of edge session `sessionId`, under the current SESAME_SECRET. */
export async function sidOfSession(config: Config, sessionId: string): Promise<string> {
  return sidUnder(await deriveKey(config.secrets.sesame[0], "oidc-sid"), sessionId);
}

/** True when `sid` is session `sessionId`'s, under the current secret or a fallback (key rotation). */
export async function isSidOfSession(config: Config, sid: string, sessionId: string): Promise<boolean> {
  let matches = false;
  for (const key of await deriveKeys(config.secrets.sesame, "oidc-sid")) {
    if (await timingSafeEqualSecrets(await sidUnder(key, sessionId), sid)) matches = true;
  }
  return matches;
}
