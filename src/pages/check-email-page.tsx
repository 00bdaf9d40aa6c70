import { Layout } from "./layout";
import { TurnstileWidget } from "./turnstile-widget";

export interface CheckEmailPageProps {
  appName: string;
  prefix: string;
  /** The address as typed (normalised); echoed so the person can spot a typo. */
  email: string;
  next: string;
  minutes: number;
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
export function CheckEmailPage({ appName, prefix, email, next, minutes, codeLength, error, turnstileSiteKey }: CheckEmailPageProps) {
  const lifetime = minutes === 1 ? "1 minute" : `${minutes} minutes`;
  return (
    <Layout title="Check your email" appName={appName} prefix={prefix}>
      <h1>Check your email</h1>
      <p class="lead">
        If <strong>{email}</strong> can sign in to {appName}, we have sent it a sign-in link and a code.
      </p>
      <p>{`Open the link, or type the code below. Both expire in ${lifetime} and work once.`}</p>
      <form method="post" action={`${prefix}/code`}>
        <input type="hidden" name="email" value={email} />
        <input type="hidden" name="next" value={next} />
        <label for="code">Code from the email</label>
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
        <TurnstileWidget siteKey={turnstileSiteKey} />
        <button type="submit">Sign in with the code</button>
      </form>
      <hr />
      <p>
        <small>
          No email after a few minutes? Check your spam folder, or{" "}
          <a href={`${prefix}/login?next=${encodeURIComponent(next)}`}>try again</a>.
        </small>
      </p>
    </Layout>
  );
}
