import type { Config } from "../../config";
import type { User } from "../../db/schema";
import { ConsoleLayout, Notice, when } from "./layout";

export interface UsersPageProps {
  config: Config;
  email: string;
  users: User[];
  /** The search as typed (an email prefix). */
  search: string;
  /** The cursor of the next page, or null. */
  next: string | null;
  notice: string | null;
  /** A failed create: the message, and what was typed. */
  error?: { message: string; field: string; email: string; name: string };
}

/** The users: search by email, page through, create. */
export function UsersPage({ config, email, users, search, next, notice, error }: UsersPageProps) {
  const base = `${config.authPrefix}/admin/users`;
  const nextHref = next === null ? null : `${base}?${new URLSearchParams({ ...(search ? { email: search } : {}), after: next })}`;
  return (
    <ConsoleLayout config={config} title="Users" section="users" email={email}>
      <Notice text={notice} />
      <form method="get" action={base} class="inline">
        <div>
          <label for="search">Email starts with</label>
          <input id="search" name="email" type="search" value={search} maxlength={254} autocomplete="off" />
        </div>
        <button type="submit">Search</button>
      </form>
      <div class="scroll">
        <table>
          <caption class="visually-hidden">Users</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Active</th>
              <th scope="col">Last sign-in</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr>
                <td>
                  <a href={`${base}/${user.id}`}>{user.email}</a>
                </td>
                <td>{user.name}</td>
                <td>{user.isActive ? "yes" : "no (disabled)"}</td>
                <td>{when(user.lastLoginAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {users.length === 0 && <p>No users{search ? " match this search" : " yet"}.</p>}
      <div class="pager">
        {search ? <a href={base}>All users</a> : null}
        {nextHref && <a href={nextHref}>Next page</a>}
      </div>

      <h2 id="create">Create a user</h2>
      {error && (
        <p class="error" id="create-error" role="alert">
          {error.message}
        </p>
      )}
      <form method="post" action={base}>
        <label for="new-email">Email address</label>
        <input
          id="new-email"
          name="email"
          type="email"
          required
          maxlength={254}
          autocomplete="off"
          value={error?.email ?? ""}
          aria-invalid={error?.field === "email" ? "true" : undefined}
          aria-describedby={error ? "create-error" : undefined}
        />
        <label for="new-name">Name (optional)</label>
        <input id="new-name" name="name" type="text" maxlength={200} autocomplete="off" value={error?.name ?? ""} />
        <label class="check">
          <input type="checkbox" name="active" value="yes" checked /> Active (may sign in)
        </label>
        <button type="submit">Create user</button>
      </form>
    </ConsoleLayout>
  );
}
