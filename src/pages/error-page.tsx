import { Layout } from "./layout";
import type { Site } from "./site";

export interface ErrorPageProps {
  site: Site;
  title: string;
  message: string;
  /** Where "try again" leads; none for errors with nowhere better to go. */
  action?: { href: string; label: string };
}

/** A friendly page for any failure a browser sees: what happened and what to do next. */
export function ErrorPage({ site, title, message, action }: ErrorPageProps) {
  return (
    <Layout site={site} title={title}>
      <h1>{title}</h1>
      <p class="lead">{message}</p>
      {action && (
        <a class="button" href={action.href}>
          {action.label}
        </a>
      )}
    </Layout>
  );
}

/** "Back to sign in", keeping `next` (and the chosen language). */
export function backToSignIn(site: Site, next?: string): { href: string; label: string } {
  return { href: site.href("/login", { next }), label: site.i18n.t("common.backToSignIn") };
}
