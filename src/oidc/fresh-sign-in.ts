/**
 * `sesame_fresh`, our own parameter on the way back to authorize from a sign-in that
 * `prompt=login` or `max_age` forced (docs/oidc.md, "The flow"): the session must have started
 * at or after the moment it names. It counts only when this edge wrote it: `<ms>.<mac>`, an
 * HMAC under a key of its own over the moment and every other parameter of the request, and
 * only as long as a sign-in may take (the `continue` value's lifetime). So nobody can write one
 * (`sesame_fresh=0` would cancel `prompt=login`), move one onto another request, or keep one.
 */
import type { Config } from "../config";
import { continueSeconds } from "../login/continue";
import { deriveKey, deriveKeys, encodeBase64url, hmac, timingSafeEqualSecrets } from "../tokens";

const FRESH_PARAM = "sesame_fresh";
const FRESH_VALUE = /^(\d{1,15})\.([A-Za-z0-9_-]{43})$/;
const encoder = new TextEncoder();

/** What the MAC covers: the moment and the request's other parameters, as the way back serialises them. */
function signedText(params: URLSearchParams, afterMs: number): Uint8Array<ArrayBuffer> {
  const rest = new URLSearchParams(params);
  rest.delete(FRESH_PARAM);
  return encoder.encode(`${afterMs}\n${rest}`);
}

async function macUnder(key: CryptoKey, params: URLSearchParams, afterMs: number): Promise<string> {
  return encodeBase64url(await hmac(key, signedText(params, afterMs)));
}

/** Sets `sesame_fresh` on `params` (the way back to authorize): sessions started before `afterMs` will not do. */
export async function setFreshAfter(config: Config, params: URLSearchParams, afterMs: number): Promise<void> {
  const mac = await macUnder(await deriveKey(config.secrets.sesame[0], "oidc-fresh"), params, afterMs);
  params.set(FRESH_PARAM, `${afterMs}.${mac}`);
}

/**
 * The moment a genuine `sesame_fresh` of this very request names (Unix ms), or null when there
 * is none, or it is malformed, forged, made for another request, or older than a sign-in takes.
 */
export async function readFreshAfter(config: Config, params: URLSearchParams, now = Date.now()): Promise<number | null> {
  const match = FRESH_VALUE.exec(params.get(FRESH_PARAM) ?? "");
  if (!match) return null;
  const afterMs = Number(match[1]);
  // No check against the future: only this edge signs, and another isolate's clock may run behind.
  if (now - afterMs > continueSeconds(config) * 1000) return null;
  let genuine = false;
  for (const key of await deriveKeys(config.secrets.sesame, "oidc-fresh")) {
    if (await timingSafeEqualSecrets(await macUnder(key, params, afterMs), match[2] ?? "")) genuine = true;
  }
  return genuine ? afterMs : null;
}
