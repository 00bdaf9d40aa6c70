/**
 * POST /code: the code from the email, typed on any device. Limited per client IP
 * (RATE_LIMIT_CODE_PER_IP) and per code (CODE_MAX_ATTEMPTS, counted before comparing).
 * Every failure (no live code, wrong code, dead code) gets the same words, so the form
 * cannot be used to learn whether an address was sent a code.
 */
import { Hono } from "hono";
import { recordEvent } from "../audit/record-event";
import { recordFailureEvent } from "../audit/record-failure";
import type { Config } from "../config";
import { type AppEnv, authDeps } from "../env";
import { clientIp, userAgent } from "../http/request-info";
import { safeNext } from "../http/safe-next";
import { readAttemptCookie } from "../login/attempt-cookie";
import { normalizeCodeInput } from "../login/codes";
import { readForm } from "../login/form";
import { redeemCode } from "../login/redeem";
import { CheckEmailPage } from "../pages/check-email-page";
import { ErrorPage } from "../pages/error-page";
import { SIGNIN_PUBLIC_TEXT } from "../pages/signin-public-text";
import { hitRateLimit, rateLimitClient, rateLimitKey } from "../rate-limit";
import { issueSessionCookie } from "../sessions";
import { isValidEmail, MAX_EMAIL_LENGTH, normalizeEmail } from "../users/email";
import { htmlPage } from "./auth-context";
import { MAX_NEXT_FIELD } from "./login";
import { refuseWithoutTurnstile, turnstileHeaders } from "./turnstile-guard";

const CODE_FAILED_MESSAGE =
  "That code did not work. Check it and try again, or ask for a new email: codes expire, work once, and stop working after a few wrong tries.";

export function codeRoutes(config: Config) {
  const app = new Hono<AppEnv>();
  const site = { appName: config.appName, prefix: config.authPrefix };
  const widget = { turnstileSiteKey: config.turnstile?.siteKey };
  const withWidget = turnstileHeaders(config);
  const minutes = Math.max(1, Math.floor(config.link.maxAgeSeconds / 60));

  app.post("/code", async function redeemSignInCode(c) {
    const form = await readForm(c.req.raw);
    const next = safeNext(form("next", MAX_NEXT_FIELD), config.authPrefix);
    const email = normalizeEmail(form("email", MAX_EMAIL_LENGTH + 64));
    const typed = form("code", 64);
    const ip = clientIp(c.req.raw);
    const audit = { ip, userAgent: userAgent(c.req.raw) };
    const page = (error: string) => (
      <CheckEmailPage {...site} {...widget} email={email} next={next} minutes={minutes} codeLength={config.code.length} error={error} />
    );

    const refused = await refuseWithoutTurnstile(c, form);
    if (refused) return htmlPage(c, page(refused.message), refused.status, withWidget);
    // SAME_DEVICE=require and this browser never asked for an email: no code can work here.
    // Said before any lookup, so the answer is the same for every address.
    const attempt = readAttemptCookie(c.req.raw, config);
    if (config.sameDevice === "require" && !attempt) {
      await recordEvent(c.var.db, { event: "code_failed", reason: "other_browser", detail: { attemptCookie: false }, ...audit });
      return htmlPage(c, page(SIGNIN_PUBLIC_TEXT.codeOtherBrowser), 403, withWidget);
    }

    const limit = await hitRateLimit(c.var.db, {
      key: await rateLimitKey("code:ip", rateLimitClient(ip, config.rateLimit.ipv6PrefixBits), config.secrets.sesame[0]),
      limit: config.rateLimit.codePerIp,
      windowSeconds: config.rateLimit.windowSeconds,
    });
    if (!limit.allowed) {
      await recordFailureEvent({ config, db: c.var.db }, { event: "rate_limited", reason: "code_per_ip", ...audit });
      return htmlPage(
        c,
        <ErrorPage
          {...site}
          title="Too many attempts"
          message="Too many codes were tried. Please wait a few minutes, then try again."
          action={{ href: `${config.authPrefix}/login`, label: "Back to sign in" }}
        />,
        429,
        { "Retry-After": String(limit.retryAfterSeconds) },
      );
    }

    if (!isValidEmail(email)) {
      return htmlPage(
        c,
        <ErrorPage
          {...site}
          title="Start again"
          message="This form lost its email address. Please ask for a new sign-in email."
          action={{ href: `${config.authPrefix}/login`, label: "Back to sign in" }}
        />,
        400,
      );
    }
    const code = normalizeCodeInput(typed, config.code.length);
    if (!code) return htmlPage(c, page(`Enter the ${config.code.length}-digit code from the email.`), 400, withWidget);

    const deps = authDeps(c);
    const result = await redeemCode(deps, { email, code, request: c.req.raw, attempt }, (userId, newUser) => ({
      event: "code_redeemed",
      userId,
      detail: { newUser },
      ...audit,
    }));
    if (!result.ok) {
      await recordEvent(c.var.db, {
        event: "code_failed",
        userId: result.userId ?? null,
        reason: result.reason,
        detail: result.detail,
        ...audit,
      });
      return htmlPage(c, page(CODE_FAILED_MESSAGE), 400, withWidget);
    }
    const session = await issueSessionCookie(deps, result.session, result.user.email, result.groupRows);
    return c.body(null, 303, { Location: next, "Set-Cookie": session.setCookie });
  });

  return app;
}
