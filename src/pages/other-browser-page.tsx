import { describeUserAgent } from "../mail/describe-user-agent";
import { Layout } from "./layout";
import { LINK_PAGE_SCRIPT } from "./link-page";
import type { Site } from "./site";

export interface OtherBrowserPageProps {
  site: Site;
  /** When and from which browser the email was asked for (the login request's row). */
  askedAt: number;
  askedFrom: string | null;
  next: string;
  /** SAME_DEVICE=warn: the link still works here, so the confirmation form is offered too. */
  continueAs?: { email: string; token: string };
}

/**
 * GET /link in a browser that did not ask for the email (SAME_DEVICE, docs/security.md):
 * says so, names the browser that asked and when (in the reader's language, UTC), and offers
 * the code typed there as the way to finish. With warn the button to continue here stays;
 * with require it is gone.
 */
export function OtherBrowserPage({ site, askedAt, askedFrom, next, continueAs }: OtherBrowserPageProps) {
  const { t } = site.i18n;
  const asked = t("otherBrowser.askedFrom", { browser: describeUserAgent(askedFrom, site.i18n), when: site.i18n.dateTime(askedAt) });
  return (
    <Layout site={site} title={t("otherBrowser.title")}>
      <h1>{continueAs ? t("otherBrowser.heading") : t("otherBrowser.requiredHeading")}</h1>
      {!continueAs && <p class="lead">{t("otherBrowser.requiredLead")}</p>}
      <p class={continueAs ? "lead" : undefined}>{asked}</p>
      <p>{t("otherBrowser.finishWithCode")}</p>
      {continueAs ? (
        <>
          <p>{t("otherBrowser.continueAnyway")}</p>
          <form method="post" action={site.href("/link")}>
            <input type="hidden" name="sesame" value={continueAs.token} />
            <input type="hidden" name="next" value={next} />
            <button type="submit">{t("link.continueAs", { email: continueAs.email })}</button>
          </form>
        </>
      ) : (
        <a class="button" href={site.href("/login", { next })}>
          {t("otherBrowser.newEmailHere")}
        </a>
      )}
      <script dangerouslySetInnerHTML={{ __html: LINK_PAGE_SCRIPT }} />
    </Layout>
  );
}
