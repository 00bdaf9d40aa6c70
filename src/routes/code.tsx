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
import { backToSignIn, ErrorPage } from "../pages/error-page";
import { hitRateLimit, rateLimitClient, rateLimitKey } from "../rate-limit";
import { issueSessionCookie } from "../sessions";
import { isValidEmail, MAX_EMAIL_LENGTH, normalizeEmail } from "../users/email";
import { htmlPage, siteOf } from "./auth-context";
import { MAX_NEXT_FIELD } from "./login";
import { refuseWithoutTurnstile, turnstileHeaders } from "./turnstile-guard";

export function codeRoutes(config: Config) {
  const app = new Hono<AppEnv>();
  const withWidget = turnstileHeaders(config);

  app.post("/code", async function redeemSignInCode(c) {
    const site = siteOf(c);
    const { t } = site.i18n;
    const form = await readForm(c.req.raw);
    const next = safeNext(form("next", MAX_NEXT_FIELD), config.authPrefix);
    const email = normalizeEmail(form("email", MAX_EMAIL_LENGTH + 64));
    const typed = form("code", 64);
    const ip = clientIp(c.req.raw);
    const audit = { ip, userAgent: userAgent(c.req.raw) };
    const page = (error: string) => (
      <CheckEmailPage
        site={site}
        turnstileSiteKey={config.turnstile?.siteKey}
        email={email}
        next={next}
        lifetimeSeconds={config.link.maxAgeSeconds}
        codeLength={config.code.length}
        error={error}
      />
    );

    const refused = await refuseWithoutTurnstile(c, form);
    if (refused) return htmlPage(c, page(t(refused.message)), refused.status, withWidget);
    // SAME_DEVICE=require and this browser never asked for an email: no code can work here.
    // Said before any lookup, so the answer is the same for every address.
    const attempt = readAttemptCookie(c.req.raw, config);
    if (config.sameDevice === "require" && !attempt) {
      await recordEvent(c.var.db, { event: "code_failed", reason: "other_browser", detail: { attemptCookie: false }, ...audit });
      return htmlPage(c, page(t("code.otherBrowser")), 403, withWidget);
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
          site={site}
          title={t("error.title.429")}
          message={t("code.rateLimited", { retry: site.i18n.relativeTime(limit.retryAfterSeconds) })}
          action={backToSignIn(site)}
        />,
        429,
        { "Retry-After": String(limit.retryAfterSeconds) },
      );
    }

    if (!isValidEmail(email)) {
      return htmlPage(
        c,
        <ErrorPage site={site} title={t("code.lostEmailTitle")} message={t("code.lostEmail")} action={backToSignIn(site, next)} />,
        400,
      );
    }
    const code = normalizeCodeInput(typed, config.code.length);
    if (!code) return htmlPage(c, page(t("code.enterDigits", { length: config.code.length })), 400, withWidget);

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
      return htmlPage(c, page(t("code.failed")), 400, withWidget);
    }
    const session = await issueSessionCookie(deps, result.session, result.user.email, result.groupRows);
    return c.body(null, 303, { Location: next, "Set-Cookie": session.setCookie });
  });

  return app;
}
