import { Layout } from "./layout";
import type { Site } from "./site";
import { TurnstileWidget } from "./turnstile-widget";

export interface CheckEmailPageProps {
  site: Site;
  /** The address as typed (normalised); echoed so the person can spot a typo. */
  email: string;
  next: string;
  /** How long the link and code stay valid. */
  lifetimeSeconds: number;
  codeLength: number;
  error?: string;
  /** TURNSTILE_SITE_KEY: the form carries the widget when set. */
  turnstileSiteKey?: string;
}

/**
 * After POST /login, whatever the address: the same words whether or not it has an account
 * ("if ... can sign in"), and the code form, so a link read on another device can be
 * finished here by typing the code.
 */
export function CheckEmailPage({ site, email, next, lifetimeSeconds, codeLength, error, turnstileSiteKey }: CheckEmailPageProps) {
  const { t, parts, relativeTime } = site.i18n;
  return (
    <Layout site={site} title={t("checkEmail.title")}>
      <h1>{t("checkEmail.title")}</h1>
      <p class="lead">{parts("checkEmail.lead", { email: <strong>{email}</strong>, appName: site.appName })}</p>
      <p>{t("checkEmail.expiry", { expiry: relativeTime(lifetimeSeconds) })}</p>
      <form method="post" action={site.href("/code")}>
        <input type="hidden" name="email" value={email} />
        <input type="hidden" name="next" value={next} />
        <label for="code">{t("checkEmail.codeLabel")}</label>
        {error && (
          <p class="error" id="code-error" role="alert">
            {error}
          </p>
        )}
        <input
          id="code"
          name="code"
          type="text"
          inputmode="numeric"
          autocomplete="one-time-code"
          required
          maxlength={codeLength + 4}
          aria-describedby={error ? "code-error" : undefined}
          aria-invalid={error ? "true" : undefined}
        />
        <TurnstileWidget site={site} siteKey={turnstileSiteKey} />
        <button type="submit">{t("checkEmail.submit")}</button>
      </form>
      <hr />
      <p>
        <small>{parts("checkEmail.noEmail", { tryAgain: <a href={site.href("/login", { next })}>{t("checkEmail.tryAgain")}</a> })}</small>
      </p>
    </Layout>
  );
}
