/**
 * On to a relying party at the end of a form of ours (docs/oidc.md, "Browsers and forms"):
 * browsers hold every redirect that follows a form to the form page's CSP `form-action`, which
 * names no app's address, so a sign-in form's redirects (through `continue` and authorize) or
 * the sign-out confirmation's would be stopped before they reach the app. This page goes on with
 * `Refresh` instead, a navigation of its own, and links there for a browser that does not.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { Layout } from "../pages/layout";
import { htmlPage, siteOf } from "../routes/auth-context";

/** `target`: an absolute URL or a path, already serialised by URL (so ASCII, no line breaks). */
export function onwardPage(c: Context<AppEnv>, target: string, headers: Record<string, string> = {}): Response {
  const site = siteOf(c);
  const { t } = site.i18n;
  const page = (
    <Layout site={site} title={t("oidc.onwardTitle")}>
      <h1>{t("oidc.onwardTitle")}</h1>
      <p>
        <a class="button" href={target}>
          {t("oidc.onwardLink")}
        </a>
      </p>
    </Layout>
  );
  return htmlPage(c, page, 200, { Refresh: `0;url=${target}`, ...headers });
}
