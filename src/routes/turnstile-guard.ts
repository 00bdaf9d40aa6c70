/**
 * The Turnstile check of POST /login and POST /code, run before anything else (no address
 * looked up, no rate limit counted, no email sent), so its refusal is the same for every
 * address. Off unless both TURNSTILE keys are set.
 */
import type { Context } from "hono";
import { recordEvent } from "../audit/record-event";
import type { Config } from "../config";
import type { AppEnv } from "../env";
import { clientIp, userAgent } from "../http/request-info";
import type { PlainMessageKey } from "../i18n";
import type { FormFields } from "../login/form";
import { contentSecurityPolicy, sitePolicy } from "../middleware/security-headers";
import { MAX_TURNSTILE_TOKEN_LENGTH, TURNSTILE_FIELD, TURNSTILE_ORIGIN, verifyTurnstile } from "../turnstile";

export interface TurnstileRefusal {
  status: 400 | 403 | 503;
  /** What to tell the person, in the page's language. */
  message: PlainMessageKey;
}

/** Null when the form may go on; otherwise what to tell the person (the failure is audited). */
export async function refuseWithoutTurnstile(c: Context<AppEnv>, form: FormFields): Promise<TurnstileRefusal | null> {
  const turnstile = c.var.config.turnstile;
  if (!turnstile) return null;
  const ip = clientIp(c.req.raw);
  const result = await verifyTurnstile(turnstile, {
    token: form(TURNSTILE_FIELD, MAX_TURNSTILE_TOKEN_LENGTH),
    servingHost: new URL(c.req.url).hostname,
    remoteIp: ip === "unknown" ? null : ip,
  });
  if (result.ok) return null;
  await recordEvent(c.var.db, {
    event: "turnstile_refused",
    reason: result.reason,
    ip,
    userAgent: userAgent(c.req.raw),
    detail: { form: new URL(c.req.url).pathname.endsWith("/code") ? "code" : "login", ...result.detail },
  });
  switch (result.reason) {
    case "missing_token":
      return { status: 400, message: "turnstile.missing" };
    case "timeout":
    case "unavailable":
      return { status: 503, message: "turnstile.unavailable" };
    default:
      return { status: 403, message: "turnstile.failed" };
  }
}

/** The CSP a page carrying the widget needs: Turnstile's origin for its script and frame, nothing more. */
export function turnstileHeaders(config: Config): Record<string, string> {
  return config.turnstile
    ? { "Content-Security-Policy": contentSecurityPolicy({ ...sitePolicy(config), thirdParty: [TURNSTILE_ORIGIN] }) }
    : {};
}
