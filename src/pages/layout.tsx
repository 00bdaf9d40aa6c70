import type { Child } from "hono/jsx";
import type { Site } from "./site";

export interface LayoutProps {
  site: Site;
  title: string;
  wide?: boolean;
  children: Child;
}

/**
 * The frame of every auth page: one stylesheet, no scripts unless a page adds its own; the
 * language in `<html lang>`; the brand's logo on top and its support contact at the foot.
 */
export function Layout({ site, title, wide, children }: LayoutProps) {
  const { appName, brand } = site;
  return (
    <html lang={site.i18n.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${title} · ${appName}`}</title>
        <link rel="stylesheet" href={`${site.prefix}/style.css`} />
      </head>
      <body>
        <main class={wide ? "wide" : undefined}>
          {brand.logoUrl && <img class="logo" src={brand.logoUrl} alt={appName} />}
          {children}
          <SupportLine site={site} />
        </main>
      </body>
    </html>
  );
}

/** "Need help? help@example.com": SUPPORT_URL and/or SUPPORT_EMAIL, when set. */
function SupportLine({ site }: { site: Site }) {
  const { supportUrl, supportEmail } = site.brand;
  if (!supportUrl && !supportEmail) return null;
  const contact = (
    <>
      {supportUrl && <a href={supportUrl}>{new URL(supportUrl).host}</a>}
      {supportUrl && supportEmail && " · "}
      {supportEmail && <a href={`mailto:${supportEmail}`}>{supportEmail}</a>}
    </>
  );
  return <p class="support">{site.i18n.parts("common.help", { contact })}</p>;
}
