import { Layout } from "../pages/layout";

export interface OidcLogoutPageProps {
  appName: string;
  prefix: string;
  email: string;
  /** The client's name, when the request named a registered client. */
  clientName: string | null;
  /** Carried to the confirming POST as they came. */
  fields: Record<string, string>;
}

/**
 * RP-initiated logout without a valid id_token_hint (docs/oidc.md, "Signing out"): the person
 * confirms, so no other site can sign people out by sending them here.
 */
export function OidcLogoutPage({ appName, prefix, email, clientName, fields }: OidcLogoutPageProps) {
  return (
    <Layout title="Sign out" appName={appName} prefix={prefix}>
      <h1>{`Sign out of ${appName}?`}</h1>
      <p class="lead">
        {clientName ? `${clientName} asks to sign you out. ` : "An application asks to sign you out. "}
        You are signed in as <strong>{email}</strong>.
      </p>
      <form method="post" action={`${prefix}/oidc/end-session`}>
        {Object.entries(fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit">Sign out</button>
      </form>
      <a class="button secondary" href="/">
        Stay signed in
      </a>
    </Layout>
  );
}
