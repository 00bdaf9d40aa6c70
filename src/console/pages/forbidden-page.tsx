import type { Config } from "../../config";
import { ConsoleLayout } from "./layout";

/**
 * 403 for a signed-in user outside ADMIN_GROUP: who is signed in, and two ways out. "Use
 * another account" signs out everywhere first, then signs in and returns to the console
 * (`next` is the signed continue value).
 */
export function ConsoleForbiddenPage({ config, email, next }: { config: Config; email: string; next: string }) {
  const prefix = config.authPrefix;
  return (
    <ConsoleLayout config={config} title="Not an admin" section={null} email={null}>
      <p class="lead">
        You are signed in as <strong>{email}</strong>, which is not a member of the admin group, so the admin console is closed to this
        account. Ask an admin to add you to the group <code>{config.adminGroup}</code>, or use another account.
      </p>
      <form method="post" action={`${prefix}/logout?everywhere=1&then=login&next=${encodeURIComponent(next)}`}>
        <button type="submit">Use another account</button>
      </form>
      <form method="post" action={`${prefix}/logout`}>
        <button type="submit" class="secondary">
          Sign out
        </button>
      </form>
    </ConsoleLayout>
  );
}
