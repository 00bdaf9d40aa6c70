import { Layout } from "./layout";
import { TurnstileWidget } from "./turnstile-widget";

export interface LoginPageProps {
  appName: string;
  prefix: string;
  /** Already passed through safeNext. */
  next: string;
  email?: string;
  /** Shown above the field, tied to it for screen readers. */
  error?: string;
  /** TURNSTILE_SITE_KEY: the form carries the widget when set. */
  turnstileSiteKey?: string;
}

/** GET /login: one email field. */
export function LoginPage({ appName, prefix, next, email, error, turnstileSiteKey }: LoginPageProps) {
  return (
    <Layout title="Sign in" appName={appName} prefix={prefix}>
      <h1>{`Sign in to ${appName}`}</h1>
      <p>We will email you a sign-in link and a code. No password needed.</p>
      <form method="post" action={`${prefix}/login`}>
        <input type="hidden" name="next" value={next} />
        <label for="email">Email address</label>
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
        <TurnstileWidget siteKey={turnstileSiteKey} />
        <button type="submit">Email me a sign-in link</button>
      </form>
    </Layout>
  );
}
