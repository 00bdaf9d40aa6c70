import type { Child } from "hono/jsx";

export interface LayoutProps {
  title: string;
  appName: string;
  /** AUTH_PREFIX, for the stylesheet URL. */
  prefix: string;
  wide?: boolean;
  children: Child;
}

/** The frame of every auth page: one stylesheet, no scripts unless a page adds its own. */
export function Layout({ title, appName, prefix, wide, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} · ${appName}`}</title>
        <link rel="stylesheet" href={`${prefix}/style.css`} />
      </head>
      <body>
        <main class={wide ? "wide" : undefined}>{children}</main>
      </body>
    </html>
  );
}
