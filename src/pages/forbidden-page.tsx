import { Layout } from "./layout";
import type { Site } from "./site";

export interface ForbiddenPageProps {
  site: Site;
  /** The signed-in user's email; null when nobody is signed in and no sign-in would help. */
  email: string | null;
  /** The refused path and query, to come back to after "use another account". */
  next: string;
}

/**
 * 403 from the gate (docs/access.md, "Refused"): who is signed in, and two ways out. "Use
 * another account" signs out everywhere first, so the sign-in page that follows does not
 * hand the same session straight back.
 */
export function ForbiddenPage({ site, email, next }: ForbiddenPageProps) {
  const { t, parts } = site.i18n;
  return (
    <Layout site={site} title={t("error.title.403")}>
      <h1>{t("forbidden.heading")}</h1>
      {email === null ? (
        <p class="lead">{t("forbidden.unavailable")}</p>
      ) : (
        <>
          <p class="lead">{parts("forbidden.signedInAs", { email: <strong>{email}</strong> })}</p>
          {/* biome-ignore lint/suspicious/noThenProperty: a query parameter named `then` (docs/access.md), never awaited */}
          <form method="post" action={site.href("/logout", { everywhere: "1", then: "login", next })}>
            <button type="submit">{t("forbidden.otherAccount")}</button>
          </form>
          <form method="post" action={site.href("/logout")}>
            <button type="submit" class="secondary">
              {t("logout.submit")}
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}
