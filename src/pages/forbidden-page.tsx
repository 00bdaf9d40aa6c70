import { Layout } from "./layout";

export interface ForbiddenPageProps {
  appName: string;
  prefix: string;
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
export function ForbiddenPage({ appName, prefix, email, next }: ForbiddenPageProps) {
  return (
    <Layout title="Not allowed" appName={appName} prefix={prefix}>
      <h1>You may not open this page</h1>
      {email === null ? (
        <p class="lead">This page is not available from here.</p>
      ) : (
        <>
          <p class="lead">
            You are signed in as <strong>{email}</strong>, and this account is not allowed to open this page. If you have another account
            that is, use that one.
          </p>
          <form method="post" action={`${prefix}/logout?everywhere=1&then=login&next=${encodeURIComponent(next)}`}>
            <button type="submit">Use another account</button>
          </form>
          <form method="post" action={`${prefix}/logout`}>
            <button type="submit" class="secondary">
              Sign out
            </button>
          </form>
        </>
      )}
    </Layout>
  );
}
