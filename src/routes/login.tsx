/**
 * GET /login: the email form. POST /login: ask for a sign-in email; the answer is the same
 * "check your email" page (same status, same bytes but the echoed address) for every
 * address, with or without an account (src/login/request-login.ts).
 */
import { Hono } from "hono";
import type { Config } from "../config";
import { type AppEnv, authDeps } from "../env";
import { safeNext } from "../http/safe-next";
import { attemptValueFor, serializeAttemptCookie } from "../login/attempt-cookie";
import { readForm } from "../login/form";
import { requestLogin } from "../login/request-login";
import { createMailer } from "../mail";
import { CheckEmailPage } from "../pages/check-email-page";
import { backToSignIn, ErrorPage } from "../pages/error-page";
import { LoginPage } from "../pages/login-page";
import { isValidEmail, MAX_EMAIL_LENGTH, normalizeEmail } from "../users/email";
import { htmlPage, siteOf } from "./auth-context";
import { refuseWithoutTurnstile, turnstileHeaders } from "./turnstile-guard";

/** Form fields longer than these are refused (400) before any work. */
export const MAX_NEXT_FIELD = 4096;
const MAX_EMAIL_FIELD = MAX_EMAIL_LENGTH + 64;

export function loginRoutes(config: Config) {
  const app = new Hono<AppEnv>();
  const turnstileSiteKey = config.turnstile?.siteKey;
  const withWidget = turnstileHeaders(config);

  app.get("/login", function showLoginForm(c) {
    const next = safeNext(c.req.query("next"), config.authPrefix);
    return htmlPage(c, <LoginPage site={siteOf(c)} turnstileSiteKey={turnstileSiteKey} next={next} />, 200, withWidget);
  });

  app.post("/login", async function askForSignInEmail(c) {
    const site = siteOf(c);
    const { t } = site.i18n;
    const form = await readForm(c.req.raw);
    const next = safeNext(form("next", MAX_NEXT_FIELD), config.authPrefix);
    const typed = form("email", MAX_EMAIL_FIELD);
    const refused = await refuseWithoutTurnstile(c, form);
    if (refused) {
      return htmlPage(
        c,
        <LoginPage site={site} turnstileSiteKey={turnstileSiteKey} next={next} email={typed.trim()} error={t(refused.message)} />,
        refused.status,
        withWidget,
      );
    }
    const email = normalizeEmail(typed);
    if (!isValidEmail(email)) {
      return htmlPage(
        c,
        <LoginPage site={site} turnstileSiteKey={turnstileSiteKey} next={next} email={typed.trim()} error={t("login.invalidEmail")} />,
        400,
        withWidget,
      );
    }

    const attempt = config.sameDevice === "off" ? null : attemptValueFor(c.req.raw, config);
    const deps = { ...authDeps(c), mailer: createMailer(config, c.env) };
    const result = await requestLogin(deps, { email, next, request: c.req.raw, attempt, locale: site.i18n.locale });
    const backToLogin = backToSignIn(site, next);
    switch (result.outcome) {
      case "rate_limited":
        return htmlPage(
          c,
          <ErrorPage
            site={site}
            title={t("error.title.429")}
            message={t("login.rateLimited", { retry: site.i18n.relativeTime(result.retryAfterSeconds) })}
            action={backToLogin}
          />,
          429,
          { "Retry-After": String(result.retryAfterSeconds) },
        );
      case "mail_failed":
        return htmlPage(
          c,
          <ErrorPage site={site} title={t("login.mailFailedTitle")} message={t("login.mailFailed")} action={backToLogin} />,
          503,
        );
      case "accepted":
        return htmlPage(
          c,
          <CheckEmailPage
            site={site}
            turnstileSiteKey={turnstileSiteKey}
            email={email}
            next={next}
            lifetimeSeconds={config.link.maxAgeSeconds}
            codeLength={config.code.length}
          />,
          200,
          // Every accepted answer gets the cookie, account or not: the page must not differ.
          { ...withWidget, ...(attempt ? { "Set-Cookie": serializeAttemptCookie(config, attempt) } : {}) },
        );
    }
  });

  return app;
}
