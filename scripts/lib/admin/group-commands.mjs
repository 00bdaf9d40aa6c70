/**
 * `groups ...` commands (docs/cli.md): list, add, delete, members, add-member, remove-member,
 * each one admin API call (docs/admin-api.md, "Groups"); listings follow `next` to the end.
 * And `access check`, which asks the gate's own decision (POST /access/check).
 */
import { requirePositional } from "./args.mjs";
import { formatTime, renderTable } from "./format.mjs";

/** The API's page limit. */
const PAGE_SIZE = 200;

const GROUP_COLUMNS = [
  ["name", (g) => g.name],
  ["members", (g) => g.members],
  ["created", (g) => formatTime(g.createdAt)],
];
const MEMBER_COLUMNS = [
  ["email", (m) => m.email],
  ["id", (m) => m.id],
];

/** Every item of a paged listing: `list(after)` answers `{ [key]: [...], next }`. */
async function allPages(list, key) {
  const items = [];
  let after;
  do {
    const page = await list(after);
    items.push(...page[key]);
    after = page.next ?? undefined;
  } while (after);
  return items;
}

const pageQuery = (after) => ({ limit: String(PAGE_SIZE), ...(after !== undefined && { after }) });

export const groupCommands = {
  list: {
    usage: "groups list",
    flags: [],
    positionals: 0,
    async run({ client }) {
      const groups = await allPages((after) => client.listGroups(pageQuery(after)), "groups");
      return { json: { groups }, text: renderTable(GROUP_COLUMNS, groups, "(no groups)") };
    },
  },
  add: {
    usage: "groups add <name>",
    flags: [],
    async run({ client, args }) {
      const { group } = await client.createGroup({ name: requirePositional(args, 0, "a group name", "groups add") });
      return { json: { group }, text: `created group ${group.name}` };
    },
  },
  delete: {
    usage: "groups delete <name>",
    flags: [],
    async run({ client, args }) {
      const name = requirePositional(args, 0, "a group name", "groups delete");
      await client.deleteGroup(name);
      return { json: { deleted: true, group: name }, text: `deleted group ${name} and its memberships` };
    },
  },
  members: {
    usage: "groups members <name>",
    flags: [],
    async run({ client, args }) {
      const name = requirePositional(args, 0, "a group name", "groups members");
      const members = await allPages((after) => client.listMembers(name, pageQuery(after)), "members");
      return { json: { members }, text: renderTable(MEMBER_COLUMNS, members, "(no members)") };
    },
  },
  "add-member": {
    usage: "groups add-member <name> <email|id>",
    flags: [],
    positionals: 2,
    async run({ client, args }) {
      const name = requirePositional(args, 0, "a group name", "groups add-member");
      const user = requirePositional(args, 1, "an email or id", "groups add-member");
      const { member } = await client.addMember(name, { user });
      return { json: { member }, text: `${member.email} is in ${name}` };
    },
  },
  "remove-member": {
    usage: "groups remove-member <name> <email|id>",
    flags: [],
    positionals: 2,
    async run({ client, args }) {
      const name = requirePositional(args, 0, "a group name", "groups remove-member");
      const user = requirePositional(args, 1, "an email or id", "groups remove-member");
      await client.removeMember(name, user);
      return { json: { removed: true, group: name, user }, text: `${user} is no longer in ${name}` };
    },
  },
};

/** Drops undefined members, so the API sees only what was asked for. */
const defined = (object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));

export const accessCommands = {
  check: {
    usage: "access check <email|id> <url> [--amr link|code|service|share] [--ip ADDRESS] [--country CC] [--method GET]",
    flags: ["amr", "ip", "country", "method"],
    positionals: 2,
    async run({ client, flags, args }) {
      const ref = requirePositional(args, 0, "an email or id", "access check");
      const url = requirePositional(args, 1, "a URL", "access check");
      const who = ref.includes("@") ? { email: ref } : { userId: ref };
      const answer = await client.checkAccess(
        defined({ ...who, url, amr: flags.amr, ip: flags.ip, country: flags.country, method: flags.method }),
      );
      const policy = answer.policy === null ? "no policy" : `policy ${answer.policy}`;
      return { json: answer, text: `${answer.decision} (app ${answer.app}, ${policy})` };
    },
  },
};
