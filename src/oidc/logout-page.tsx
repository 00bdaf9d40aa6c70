import { Layout } from "../pages/layout";
import type { Site } from "../pages/site";

export interface OidcLogoutPageProps {
  site: Site;
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
export function OidcLogoutPage({ site, email, clientName, fields }: OidcLogoutPageProps) {
  const { t, parts } = site.i18n;
  return (
    <Layout site={site} title={t("oidcLogout.title")}>
      <h1>{t("oidcLogout.heading", { app: site.appName })}</h1>
      <p class="lead">
        {clientName ? t("oidcLogout.clientAsks", { client: clientName }) : t("oidcLogout.someAppAsks")}{" "}
        {parts("oidcLogout.signedInAs", { email: <strong>{email}</strong> })}
      </p>
      <form method="post" action={site.href("/oidc/end-session")}>
        {Object.entries(fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit">{t("oidcLogout.confirm")}</button>
      </form>
      <a class="button secondary" href="/">
        {t("oidcLogout.stay")}
      </a>
    </Layout>
  );
}
