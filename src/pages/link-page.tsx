import { Layout } from "./layout";
import type { Site } from "./site";

/**
 * Removes `sesame` from the address bar and history as soon as the page loads, so the token
 * is not kept in history, bookmarks or a shared screenshot. Static text: its CSP hash is
 * computed once (linkPageScriptHash) and sent with the page.
 */
export const LINK_PAGE_SCRIPT =
  '(function(){var u=new URL(location.href);if(u.searchParams.has("sesame")){u.searchParams.delete("sesame");history.replaceState(null,"",u.pathname+u.search+u.hash)}})();';

let scriptHash: Promise<string> | null = null;

/** "sha256-<base64>" of LINK_PAGE_SCRIPT, for the page's Content-Security-Policy. */
export function linkPageScriptHash(): Promise<string> {
  scriptHash ??= crypto.subtle.digest("SHA-256", new TextEncoder().encode(LINK_PAGE_SCRIPT)).then((digest) => {
    let binary = "";
    for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
    return `sha256-${btoa(binary)}`;
  });
  return scriptHash;
}

export interface LinkConfirmPageProps {
  site: Site;
  email: string;
  token: string;
  next: string;
}

/**
 * GET /link: the magic link lands here and nothing is consumed. A mail scanner that
 * fetches the link (GET or HEAD) sees this page and stops; a person presses the button,
 * which POSTs the token from a hidden field, never in a URL.
 */
export function LinkConfirmPage({ site, email, token, next }: LinkConfirmPageProps) {
  const { t } = site.i18n;
  return (
    <Layout site={site} title={t("link.title")}>
      <h1>{t("common.signInTo", { appName: site.appName })}</h1>
      <form method="post" action={site.href("/link")}>
        <input type="hidden" name="sesame" value={token} />
        <input type="hidden" name="next" value={next} />
        <button type="submit">{t("link.continueAs", { email })}</button>
      </form>
      <p>
        <small>{t("link.notYou")}</small>
      </p>
      <script dangerouslySetInnerHTML={{ __html: LINK_PAGE_SCRIPT }} />
    </Layout>
  );
}

/**
 * Any link that cannot be used: malformed, forged, expired, used, revoked, for an inactive
 * account. One page for every reason, so it tells nobody which.
 */
export function LinkInvalidPage({ site, next }: { site: Site; next: string }) {
  const { t } = site.i18n;
  return (
    <Layout site={site} title={t("linkInvalid.title")}>
      <h1>{t("linkInvalid.heading")}</h1>
      <p class="lead">{t("linkInvalid.lead")}</p>
      <a class="button" href={site.href("/login", { next })}>
        {t("linkInvalid.action")}
      </a>
    </Layout>
  );
}
