import { Layout } from "./layout";
import type { Site } from "./site";

/** GET /logout with a session: a confirmation, because signing out never happens on a GET. */
export function LogoutConfirmPage({ site, email }: { site: Site; email: string }) {
  const { t, parts } = site.i18n;
  return (
    <Layout site={site} title={t("logout.title")}>
      <h1>{t("logout.heading", { appName: site.appName })}</h1>
      <p class="lead">{parts("logout.signedInAs", { email: <strong>{email}</strong> })}</p>
      <form method="post" action={site.href("/logout")}>
        <button type="submit">{t("logout.submit")}</button>
      </form>
      <form method="post" action={site.href("/logout", { everywhere: "1" })}>
        <button type="submit" class="secondary">
          {t("logout.everywhere")}
        </button>
      </form>
    </Layout>
  );
}

/** GET /logout without a session (and where POST /logout leads). */
export function SignedOutPage({ site }: { site: Site }) {
  const { t } = site.i18n;
  return (
    <Layout site={site} title={t("signedOut.title")}>
      <h1>{t("signedOut.heading")}</h1>
      <a class="button" href={site.href("/login")}>
        {t("signedOut.signIn")}
      </a>
    </Layout>
  );
}
