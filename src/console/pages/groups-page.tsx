import type { Config } from "../../config";
import type { GroupRow, MemberRow } from "../../groups/store";
import { ConsoleLayout, Notice, when } from "./layout";

export interface GroupsPageProps {
  config: Config;
  email: string;
  groups: GroupRow[];
  next: string | null;
  notice: string | null;
}

/** Every group with its member count, and a form to create one. */
export function GroupsPage({ config, email, groups, next, notice }: GroupsPageProps) {
  const base = `${config.authPrefix}/admin/groups`;
  return (
    <ConsoleLayout config={config} title="Groups" section="groups" email={email}>
      <Notice text={notice} />
      <div class="scroll">
        <table>
          <caption class="visually-hidden">Groups</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Members</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => (
              <tr>
                <td>
                  <a href={`${base}/${group.name}`}>{group.name}</a>
                  {group.name === config.adminGroup ? " (admins of this edge)" : ""}
                </td>
                <td>{group.members}</td>
                <td>{when(group.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {groups.length === 0 && <p>No groups yet.</p>}
      <div class="pager">{next !== null && <a href={`${base}?after=${encodeURIComponent(next)}`}>Next page</a>}</div>

      <h2 id="create">Create a group</h2>
      <form method="post" action={base} class="inline">
        <div>
          <label for="group-name">Name (a-z, 0-9, and _ . - after the first character)</label>
          <input id="group-name" name="name" type="text" required maxlength={64} pattern="[a-z0-9][a-z0-9_.\-]{0,63}" autocomplete="off" />
        </div>
        <button type="submit">Create group</button>
      </form>
    </ConsoleLayout>
  );
}

export interface GroupPageProps {
  config: Config;
  email: string;
  group: GroupRow;
  members: MemberRow[];
  next: string | null;
  notice: string | null;
}

/** One group: its members (remove), a form to add one, and delete. */
export function GroupPage({ config, email, group, members, next, notice }: GroupPageProps) {
  const admin = `${config.authPrefix}/admin`;
  const self = `${admin}/groups/${group.name}`;
  const isAdminGroup = group.name === config.adminGroup;
  return (
    <ConsoleLayout config={config} title={`Group ${group.name}`} section="groups" email={email}>
      <Notice text={notice} />
      {isAdminGroup && <p>This is the admin group: its members may use this console. It cannot be deleted.</p>}
      <p>
        {group.members} member{group.members === 1 ? "" : "s"}; created {when(group.createdAt)}.
      </p>
      <div class="scroll">
        <table>
          <caption class="visually-hidden">Members</caption>
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">
                <span class="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr>
                <td>
                  <a href={`${admin}/users/${member.id}`}>{member.email}</a>
                </td>
                <td>
                  <form method="post" action={`${self}/members/remove`}>
                    <input type="hidden" name="user" value={member.id} />
                    <input type="hidden" name="back" value="group" />
                    <button type="submit" class="secondary" aria-label={`Remove ${member.email}`}>
                      Remove…
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="pager">{next !== null && <a href={`${self}?after=${encodeURIComponent(next)}`}>Next page</a>}</div>

      <h2 id="add">Add a member</h2>
      <form method="post" action={`${self}/members`} class="inline">
        <div>
          <label for="member">Email address or user id</label>
          <input id="member" name="user" type="text" required maxlength={318} autocomplete="off" />
        </div>
        <button type="submit">Add member</button>
      </form>

      {!isAdminGroup && (
        <>
          <h2 id="delete">Delete</h2>
          <form method="post" action={`${self}/delete`}>
            <button type="submit" class="danger">
              Delete this group…
            </button>
          </form>
        </>
      )}
    </ConsoleLayout>
  );
}
