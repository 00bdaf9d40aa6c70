import { Layout } from "./layout";

/** GET /logout with a session: a confirmation, because signing out never happens on a GET. */
export function LogoutConfirmPage({ appName, prefix, email }: { appName: string; prefix: string; email: string }) {
  return (
    <Layout title="Sign out" appName={appName} prefix={prefix}>
      <h1>{`Sign out of ${appName}?`}</h1>
      <p class="lead">
        You are signed in as <strong>{email}</strong>.
      </p>
      <form method="post" action={`${prefix}/logout`}>
        <button type="submit">Sign out</button>
      </form>
      <form method="post" action={`${prefix}/logout?everywhere=1`}>
        <button type="submit" class="secondary">
          Sign out on every device
        </button>
      </form>
    </Layout>
  );
}

/** GET /logout without a session (and where POST /logout leads). */
export function SignedOutPage({ appName, prefix }: { appName: string; prefix: string }) {
  return (
    <Layout title="Signed out" appName={appName} prefix={prefix}>
      <h1>You are signed out</h1>
      <a class="button" href={`${prefix}/login`}>
        Sign in
      </a>
    </Layout>
  );
}
