/**
 * The console's frame: the app name, the sections, who is signed in and a sign-out button.
 * No script at all (the default strict CSP forbids every one); English only
 * (docs/admin-console.md).
 */
import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { Config } from "../../config";
import { htmlPage } from "../../routes/auth-context";

type Section = "users" | "groups" | "events" | "access" | "settings" | null;

const SECTIONS: { id: Exclude<Section, null>; label: string; path: string }[] = [
  { id: "users", label: "Users", path: "/users" },
  { id: "groups", label: "Groups", path: "/groups" },
  { id: "events", label: "Audit log", path: "/events" },
  { id: "access", label: "Access check", path: "/access" },
  { id: "settings", label: "Settings", path: "/settings" },
];

export interface ConsoleLayoutProps {
  config: Config;
  title: string;
  section: Section;
  /** The signed-in admin; null on pages shown before the console opens (403). */
  email: string | null;
  children: Child;
}

export function ConsoleLayout({ config, title, section, email, children }: ConsoleLayoutProps) {
  const base = `${config.authPrefix}/admin`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} · Admin · ${config.appName}`}</title>
        <link rel="stylesheet" href={`${config.authPrefix}/style.css`} />
        <link rel="stylesheet" href={`${base}/console.css`} />
      </head>
      <body>
        <header class="console">
          <strong>{`${config.appName} admin`}</strong>
          {email !== null && (
            <>
              <nav aria-label="Console sections">
                <ul>
                  {SECTIONS.map((s) => (
                    <li>
                      <a href={`${base}${s.path}`} aria-current={s.id === section ? "page" : undefined}>
                        {s.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
              <form method="post" action={`${config.authPrefix}/logout`}>
                <small>{`Signed in as ${email}`}</small>{" "}
                <button type="submit" class="secondary">
                  Sign out
                </button>
              </form>
            </>
          )}
        </header>
        <main class="console">
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** A console page response (the auth sub-app adds no-store, no-referrer, the CSP and frame denial). */
export function consolePage(c: Context, page: unknown, status = 200): Response {
  // biome-ignore lint/suspicious/noExplicitAny: htmlPage takes the app's context; the console's extends it
  return htmlPage(c as any, page, status);
}

/** A short message above the page's content after an action (`?done=`). */
export function Notice({ text }: { text: string | null }) {
  return text ? (
    <p class="notice" role="status">
      {text}
    </p>
  ) : null;
}

/** "when" for tables: ISO-8601 to the second, in UTC, readable in every locale. */
export function when(ms: number | null): string {
  return ms === null ? "" : `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
