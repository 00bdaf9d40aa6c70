/**
 * Cloudflare Turnstile, server side: the token the widget put in the form
 * (`cf-turnstile-response`) is checked at siteverify before the sign-in forms do anything
 * else (docs/security.md, "Bot protection"). Fail closed: no answer, a late answer or an
 * answer we cannot read refuses the form, exactly like a failed challenge, with words that
 * say to try again.
 */
import type { Config } from "../config";

/** The form field the widget fills (Turnstile's own name for it). */
export const TURNSTILE_FIELD = "cf-turnstile-response";
/** Siteverify refuses longer tokens; ours stops reading the field there (Turnstile docs: 2048). */
export const MAX_TURNSTILE_TOKEN_LENGTH = 2048;
/** Where the widget's script and frame come from: the only third party our CSP ever names. */
export const TURNSTILE_ORIGIN = "https://challenges.cloudflare.com";
export const TURNSTILE_SCRIPT_URL = `${TURNSTILE_ORIGIN}/turnstile/v0/api.js`;

type TurnstileFailure =
  /** The form carried no token: the widget never ran (no JavaScript, a bot posting directly). */
  | "missing_token"
  /** Siteverify said no (`success: false`): its error codes go to the audit log. */
  | "challenge_failed"
  /** A valid token, but solved on another site: someone else's widget, replayed here. */
  | "wrong_hostname"
  /** Siteverify did not answer within TURNSTILE_TIMEOUT. */
  | "timeout"
  /** Siteverify could not be reached, or answered something that is not its JSON. */
  | "unavailable";

export type TurnstileResult = { ok: true } | { ok: false; reason: TurnstileFailure; detail?: Record<string, string | number | null> };

interface SiteverifyAnswer {
  success?: unknown;
  hostname?: unknown;
  "error-codes"?: unknown;
}

/**
 * Verifies `token` for a request served at `servingHost` (a hostname, no port). Never
 * throws: every failure is a result with a reason, for the caller to audit and refuse.
 */
export async function verifyTurnstile(
  turnstile: NonNullable<Config["turnstile"]>,
  input: { token: string; servingHost: string; remoteIp: string | null },
): Promise<TurnstileResult> {
  if (!input.token) return { ok: false, reason: "missing_token" };
  const body = new URLSearchParams({ secret: turnstile.secretKey, response: input.token });
  if (input.remoteIp) body.set("remoteip", input.remoteIp);
  let answer: SiteverifyAnswer;
  try {
    const response = await fetch(turnstile.verifyUrl, {
      method: "POST",
      body,
      // The secret goes in the body: a redirect must not carry it anywhere else.
      redirect: "manual",
      signal: AbortSignal.timeout(turnstile.timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      return { ok: false, reason: "unavailable", detail: { status: response.status } };
    }
    answer = (await response.json()) as SiteverifyAnswer;
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { ok: false, reason: timedOut ? "timeout" : "unavailable" };
  }
  if (!answer || typeof answer !== "object" || typeof answer.success !== "boolean") return { ok: false, reason: "unavailable" };
  if (answer.success !== true) {
    const codes = Array.isArray(answer["error-codes"]) ? answer["error-codes"].map(String).join(",").slice(0, 200) : null;
    return { ok: false, reason: "challenge_failed", detail: { errorCodes: codes } };
  }
  const hostname = typeof answer.hostname === "string" ? answer.hostname.toLowerCase() : "";
  if (hostname !== input.servingHost.toLowerCase()) {
    return { ok: false, reason: "wrong_hostname", detail: { hostname: hostname.slice(0, 253) || null } };
  }
  return { ok: true };
}
