import { CATALOGUES } from "../i18n";
import { Layout } from "./layout";
import type { Site } from "./site";
import { TurnstileWidget } from "./turnstile-widget";

export interface LoginPageProps {
  site: Site;
  /** Already passed through safeNext. */
  next: string;
  email?: string;
  /** Shown above the field, tied to it for screen readers. */
  error?: string;
  /** TURNSTILE_SITE_KEY: the form carries the widget when set. */
  turnstileSiteKey?: string;
}

/** GET /login: one email field, and links to the page in the other enabled languages. */
export function LoginPage({ site, next, email, error, turnstileSiteKey }: LoginPageProps) {
  const { t } = site.i18n;
  return (
    <Layout site={site} title={t("login.title")}>
      <h1>{t("common.signInTo", { appName: site.appName })}</h1>
      <p>{t("login.intro")}</p>
      <form method="post" action={site.href("/login")}>
        <input type="hidden" name="next" value={next} />
        <label for="email">{t("login.emailLabel")}</label>
        {error && (
          <p class="error" id="email-error" role="alert">
            {error}
          </p>
        )}
        <input
          id="email"
          name="email"
          type="email"
          autocomplete="email"
          inputmode="email"
          required
          autofocus
          maxlength={254}
          value={email ?? ""}
          aria-describedby={error ? "email-error" : undefined}
          aria-invalid={error ? "true" : undefined}
        />
        <TurnstileWidget site={site} siteKey={turnstileSiteKey} />
        <button type="submit">{t("login.submit")}</button>
      </form>
      <LanguageLinks site={site} next={next} />
    </Layout>
  );
}

/** Each enabled language by its own name; the current one is marked, not linked. */
function LanguageLinks({ site, next }: { site: Site; next: string }) {
  if (site.locales.length < 2) return null;
  return (
    <nav class="languages" aria-label={site.i18n.t("common.languages")}>
      {site.locales.map((locale) => {
        const name = CATALOGUES[locale]["language.name"];
        return locale === site.i18n.locale ? (
          <span lang={locale} aria-current="true">
            {name}
          </span>
        ) : (
          <a lang={locale} hreflang={locale} href={`${site.prefix}/login?${new URLSearchParams({ next, lang: locale })}`}>
            {name}
          </a>
        );
      })}
    </nav>
  );
}
