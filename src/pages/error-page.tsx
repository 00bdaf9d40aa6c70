import { Layout } from "./layout";

export interface ErrorPageProps {
  appName: string;
  prefix: string;
  title: string;
  message: string;
  /** Where "try again" leads; none for errors with nowhere better to go. */
  action?: { href: string; label: string };
}

/** A friendly page for any failure a browser sees: what happened and what to do next. */
export function ErrorPage({ appName, prefix, title, message, action }: ErrorPageProps) {
  return (
    <Layout title={title} appName={appName} prefix={prefix}>
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
