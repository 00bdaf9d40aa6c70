import type { EventRow } from "../../admin/events";
import { SHARE_ACTION_METHODS } from "../../auth/scopes";
import type { Config } from "../../config";
import type { ServiceToken, Session, User } from "../../db/schema";
import { ConsoleLayout, Notice, when } from "./layout";

export interface UserPageProps {
  config: Config;
  email: string;
  user: User;
  groups: string[];
  /** Group names to offer in "add to group". */
  allGroups: string[];
  sessions: Session[];
  serviceTokens: ServiceToken[];
  events: EventRow[];
  notice: string | null;
  /** Whether the admin's sign-in is recent enough to issue credentials without signing in again. */
  fresh: boolean;
  now: number;
}

function sessionState(session: Session, now: number): string {
  if (session.revokedAt !== null) return `ended ${when(session.revokedAt)}`;
  if (session.expiresAt <= now) return "expired";
  return "live";
}

function tokenState(token: ServiceToken, now: number): string {
  if (token.revokedAt !== null) return `revoked ${when(token.revokedAt)}`;
  if (token.expiresAt <= now) return "expired";
  return "live";
}

/** One user: details and edit, groups, sessions, service tokens, share links, recent events. */
export function UserPage(props: UserPageProps) {
  const { config, email, user, groups, allGroups, sessions, serviceTokens, events, notice, fresh, now } = props;
  const admin = `${config.authPrefix}/admin`;
  const self = `${admin}/users/${user.id}`;
  const liveSessions = sessions.filter((s) => s.revokedAt === null && s.expiresAt > now);
  return (
    <ConsoleLayout config={config} title={user.email} section="users" email={email}>
      <Notice text={notice} />
      <dl>
        <dt>Id</dt>
        <dd>
          <code>{user.id}</code>
        </dd>
        <dt>Active</dt>
        <dd>{user.isActive ? "yes" : "no (disabled)"}</dd>
        <dt>Created</dt>
        <dd>{when(user.createdAt)}</dd>
        <dt>Last sign-in</dt>
        <dd>{when(user.lastLoginAt) || "never"}</dd>
      </dl>

      <h2 id="edit">Edit</h2>
      <form method="post" action={self}>
        <label for="email">Email address</label>
        <input id="email" name="email" type="email" required maxlength={254} value={user.email} autocomplete="off" />
        <label for="name">Name</label>
        <input id="name" name="name" type="text" maxlength={200} value={user.name} autocomplete="off" />
        <label class="check">
          <input type="checkbox" name="active" value="yes" checked={user.isActive} /> Active (may sign in)
        </label>
        <button type="submit">Save</button>
      </form>
      <div class="inline">
        {user.isActive && (
          <form method="post" action={`${self}/disable`}>
            <button type="submit" class="secondary">
              Disable…
            </button>
          </form>
        )}
        <form method="post" action={`${self}/delete`}>
          <button type="submit" class="danger">
            Delete…
          </button>
        </form>
      </div>

      <h2 id="groups">Groups</h2>
      {groups.length === 0 ? (
        <p>Not a member of any group.</p>
      ) : (
        <ul>
          {groups.map((group) => (
            <li>
              <a href={`${admin}/groups/${group}`}>{group}</a>{" "}
              <form method="post" action={`${admin}/groups/${group}/members/remove`} class="inline-form">
                <input type="hidden" name="user" value={user.id} />
                <button type="submit" class="secondary" aria-label={`Remove from ${group}`}>
                  Remove…
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      <form method="post" action={`${self}/groups`} class="inline">
        <div>
          <label for="add-group">Add to group</label>
          <input id="add-group" name="group" type="text" required maxlength={64} list="group-names" autocomplete="off" />
          <datalist id="group-names">
            {allGroups.map((name) => (
              <option value={name} />
            ))}
          </datalist>
        </div>
        <button type="submit">Add</button>
      </form>

      <h2 id="sessions">Sessions</h2>
      <div class="scroll">
        <table>
          <caption class="visually-hidden">Sessions</caption>
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">By</th>
              <th scope="col">Last seen</th>
              <th scope="col">Client</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((session) => (
              <tr>
                <td>{when(session.createdAt)}</td>
                <td>{session.amr}</td>
                <td>{when(session.lastSeenAt)}</td>
                <td>
                  {session.ip ?? ""} <small>{session.userAgent ?? ""}</small>
                </td>
                <td>{sessionState(session, now)}</td>
                <td>
                  {session.revokedAt === null && session.expiresAt > now && (
                    <form method="post" action={`${self}/sessions/revoke`}>
                      <input type="hidden" name="sessionId" value={session.id} />
                      <button type="submit" class="secondary" aria-label={`End the session started ${when(session.createdAt)}`}>
                        End…
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {sessions.length === 0 && <p>No sessions.</p>}
      {liveSessions.length > 0 && (
        <form method="post" action={`${self}/sessions/revoke`}>
          <button type="submit" class="danger">
            End all sessions…
          </button>
        </form>
      )}

      <h2 id="service-tokens">Service tokens</h2>
      <div class="scroll">
        <table>
          <caption class="visually-hidden">Service tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Issued</th>
              <th scope="col">Expires</th>
              <th scope="col">State</th>
              <th scope="col">
                <span class="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {serviceTokens.map((token) => (
              <tr>
                <td>{token.name}</td>
                <td>{when(token.createdAt)}</td>
                <td>{when(token.expiresAt)}</td>
                <td>{tokenState(token, now)}</td>
                <td>
                  {token.revokedAt === null && token.expiresAt > now && (
                    <form method="post" action={`${admin}/service-tokens/${token.id}/revoke`}>
                      <button type="submit" class="secondary" aria-label={`Revoke ${token.name}`}>
                        Revoke…
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {serviceTokens.length === 0 && <p>No service tokens.</p>}
      <FreshNote fresh={fresh} />
      <form method="post" action={`${self}/service-tokens`} class="inline">
        <div>
          <label for="token-name">Token name</label>
          <input id="token-name" name="name" type="text" required maxlength={100} autocomplete="off" placeholder="ci-deploy" />
        </div>
        <div>
          <label for="token-days">Lifetime in days</label>
          <input id="token-days" name="days" type="number" required min={1} max={365} value="90" inputmode="numeric" />
        </div>
        <button type="submit">Issue token</button>
      </form>

      <h2 id="share-links">Share links</h2>
      <p>A share link opens one path (or, ending in /*, everything below it) without a sign-in, until it expires or is revoked.</p>
      <form method="post" action={`${self}/share-links`} class="inline">
        {config.access.configured && (
          <div>
            <label for="share-app">App</label>
            <select id="share-app" name="app" required>
              {config.access.apps.map((app) => (
                <option value={app.name}>{app.name}</option>
              ))}
            </select>
          </div>
        )}
        <div>
          <label for="share-path">Path</label>
          <input id="share-path" name="path" type="text" required maxlength={190} autocomplete="off" placeholder="/reports/42" />
        </div>
        <div>
          <label for="share-days">Lifetime in days</label>
          <input id="share-days" name="days" type="number" required min={1} max={365} value="7" inputmode="numeric" />
        </div>
        <fieldset>
          <legend>Also allow (it always opens and reads)</legend>
          {SHARE_ACTION_METHODS.map((method) => (
            <label>
              <input type="checkbox" name={`method-${method.toLowerCase()}`} value="yes" /> {method}
            </label>
          ))}
        </fieldset>
        <button type="submit">Issue link</button>
      </form>
      <form method="post" action={`${admin}/tokens/revoke`} class="inline">
        <input type="hidden" name="back" value={user.id} />
        <div>
          <label for="revoke-link">Revoke a share link (paste the link or its token)</label>
          <input id="revoke-link" name="token" type="text" required maxlength={4096} autocomplete="off" />
        </div>
        <button type="submit" class="secondary">
          Revoke…
        </button>
      </form>

      <h2 id="events">Recent events</h2>
      <EventTable config={config} events={events} />
      <p>
        <a href={`${admin}/events?user=${user.id}`}>All events of this user</a>
      </p>
    </ConsoleLayout>
  );
}

/** Says, before the admin fills in a credential form, that issuing will ask for a fresh sign-in. */
function FreshNote({ fresh }: { fresh: boolean }) {
  return fresh ? null : (
    <p class="notice">Issuing a token or link asks you to sign in again first: your sign-in is more than 15 minutes old.</p>
  );
}

/** A table of audit events, each linking to its detail. */
export function EventTable({ config, events }: { config: Config; events: EventRow[] }) {
  const admin = `${config.authPrefix}/admin`;
  if (events.length === 0) return <p>No events.</p>;
  return (
    <div class="scroll">
      <table>
        <caption class="visually-hidden">Audit events</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Event</th>
            <th scope="col">User</th>
            <th scope="col">Reason</th>
            <th scope="col">IP</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr>
              <td>
                <a href={`${admin}/events/${event.id}`}>{when(event.at)}</a>
              </td>
              <td>{event.event}</td>
              <td>{event.userId ? <a href={`${admin}/events?user=${event.userId}`}>{event.userId}</a> : ""}</td>
              <td>{event.reason ?? ""}</td>
              <td>{event.ip ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
