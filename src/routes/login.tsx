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
import { ErrorPage } from "../pages/error-page";
import { LoginPage } from "../pages/login-page";
import { isValidEmail, MAX_EMAIL_LENGTH, normalizeEmail } from "../users/email";
import { htmlPage } from "./auth-context";
import { refuseWithoutTurnstile, turnstileHeaders } from "./turnstile-guard";

/** Form fields longer than these are refused (400) before any work. */
export const MAX_NEXT_FIELD = 4096;
const MAX_EMAIL_FIELD = MAX_EMAIL_LENGTH + 64;

export function loginRoutes(config: Config) {
  const app = new Hono<AppEnv>();
  const site = { appName: config.appName, prefix: config.authPrefix };
  const widget = { turnstileSiteKey: config.turnstile?.siteKey };
  const withWidget = turnstileHeaders(config);
  const minutes = Math.max(1, Math.floor(config.link.maxAgeSeconds / 60));

  app.get("/login", function showLoginForm(c) {
    return htmlPage(c, <LoginPage {...site} {...widget} next={safeNext(c.req.query("next"), config.authPrefix)} />, 200, withWidget);
  });

  app.post("/login", async function askForSignInEmail(c) {
    const form = await readForm(c.req.raw);
    const next = safeNext(form("next", MAX_NEXT_FIELD), config.authPrefix);
    const typed = form("email", MAX_EMAIL_FIELD);
    const refused = await refuseWithoutTurnstile(c, form);
    if (refused) {
      return htmlPage(
        c,
        <LoginPage {...site} {...widget} next={next} email={typed.trim()} error={refused.message} />,
        refused.status,
        withWidget,
      );
    }
    const email = normalizeEmail(typed);
    if (!isValidEmail(email)) {
      return htmlPage(
        c,
        <LoginPage {...site} {...widget} next={next} email={typed.trim()} error="Enter a valid email address, like name@example.com." />,
        400,
        withWidget,
      );
    }

    const attempt = config.sameDevice === "off" ? null : attemptValueFor(c.req.raw, config);
    const deps = { ...authDeps(c), mailer: createMailer(config, c.env) };
    const result = await requestLogin(deps, { email, next, request: c.req.raw, attempt });
    const backToLogin = { href: `${config.authPrefix}/login?next=${encodeURIComponent(next)}`, label: "Back to sign in" };
    switch (result.outcome) {
      case "rate_limited":
        return htmlPage(
          c,
          <ErrorPage
            {...site}
            title="Too many attempts"
            message="Too many sign-in emails were asked for. Please wait a few minutes, then try again."
            action={backToLogin}
          />,
          429,
          { "Retry-After": String(result.retryAfterSeconds) },
        );
      case "mail_failed":
        return htmlPage(
          c,
          <ErrorPage {...site} title="Email not sent" message="We could not send the email. Please try again." action={backToLogin} />,
          503,
        );
      case "accepted":
        return htmlPage(
          c,
          <CheckEmailPage {...site} {...widget} email={email} next={next} minutes={minutes} codeLength={config.code.length} />,
          200,
          // Every accepted answer gets the cookie, account or not: the page must not differ.
          { ...withWidget, ...(attempt ? { "Set-Cookie": serializeAttemptCookie(config, attempt) } : {}) },
        );
    }
  });

  return app;
}
