/**
 * The admin commands. Each returns what to print: `json` for --json, `text` for people
 * (stdout), and an optional `note` (stderr, people only) so that stdout of `link`, `share`
 * and `service-token` is just the URL or token, ready for $(...).
 */
import { checkFlags, parseBooleanFlag, requirePositional } from "./args.mjs";
import { clientCommands } from "./client-commands.mjs";
import { parseDuration, UsageError } from "./duration.mjs";
import { EVENT_COLUMNS, formatTime, renderTable, renderUser, SESSION_COLUMNS, USER_COLUMNS } from "./format.mjs";
import { accessCommands, groupCommands } from "./group-commands.mjs";

/** The API's page limit: `users list` follows `next` until the end. */
const USERS_PAGE_SIZE = 200;
const DEFAULT_EVENTS = 50;

const maxAgeOf = (flags) => (flags["max-age"] === undefined ? undefined : parseDuration(flags["max-age"], "--max-age"));

/** Drops undefined members, so the API sees only what was asked for. */
const defined = (object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));

const userCommands = {
  add: {
    usage: "users add <email> [--name NAME]",
    flags: ["name"],
    async run({ client, flags, args }) {
      const email = requirePositional(args, 0, "an email address", "users add");
      const { user } = await client.createUser(defined({ email, name: flags.name }));
      return { json: { user }, text: renderUser(user) };
    },
  },
  list: {
    usage: "users list [--email PREFIX]",
    flags: ["email"],
    positionals: 0,
    async run({ client, flags }) {
      const users = [];
      let after;
      do {
        const page = await client.listUsers(defined({ email: flags.email, limit: String(USERS_PAGE_SIZE), after }));
        users.push(...page.users);
        after = page.next ?? undefined;
      } while (after);
      return { json: { users }, text: renderTable(USER_COLUMNS, users, "(no users)") };
    },
  },
  show: {
    usage: "users show <email|id>",
    flags: [],
    async run({ client, args }) {
      const { user } = await client.getUser(requirePositional(args, 0, "an email or id", "users show"));
      return { json: { user }, text: renderUser(user) };
    },
  },
  update: {
    usage: "users update <email|id> [--email NEW] [--name NAME] [--active true|false]",
    flags: ["email", "name", "active"],
    async run({ client, flags, args }) {
      const ref = requirePositional(args, 0, "an email or id", "users update");
      const patch = defined({
        email: flags.email,
        name: flags.name,
        active: flags.active === undefined ? undefined : parseBooleanFlag(flags.active, "active"),
      });
      if (Object.keys(patch).length === 0) throw new UsageError("users update needs at least one of --email, --name, --active");
      const { user } = await client.updateUser(ref, patch);
      return { json: { user }, text: renderUser(user) };
    },
  },
  disable: {
    usage: "users disable <email|id>",
    flags: [],
    async run({ client, args }) {
      const { user } = await client.updateUser(requirePositional(args, 0, "an email or id", "users disable"), { active: false });
      return { json: { user }, text: `disabled ${user.email}: its tokens no longer work and its sessions have ended` };
    },
  },
  delete: {
    usage: "users delete <email|id>",
    flags: [],
    async run({ client, args }) {
      const ref = requirePositional(args, 0, "an email or id", "users delete");
      await client.deleteUser(ref);
      return { json: { deleted: true, user: ref }, text: `deleted ${ref}` };
    },
  },
};

const topCommands = {
  link: {
    usage: "link <email|id> [--scope SCOPE] [--max-age 10m] [--one-time true|false]",
    flags: ["scope", "max-age", "one-time"],
    async run({ client, flags, args }) {
      const ref = requirePositional(args, 0, "an email or id", "link");
      const issued = await client.issueToken(
        ref,
        defined({
          scope: flags.scope,
          maxAge: maxAgeOf(flags),
          oneTime: flags["one-time"] === undefined ? undefined : parseBooleanFlag(flags["one-time"], "one-time"),
        }),
      );
      // A scope with no URL of its own (a custom label): the token itself is the result.
      return {
        json: issued,
        text: issued.url ?? issued.token,
        note: `${issued.scope ? `scope ${issued.scope}, ` : ""}${issued.oneTime ? "one-time, " : ""}expires ${formatTime(issued.expiresAt)}`,
      };
    },
  },
  "service-token": {
    usage: "service-token <email|id> --name NAME [--max-age 90d]",
    flags: ["name", "max-age"],
    async run({ client, flags, args }) {
      const ref = requirePositional(args, 0, "an email or id", "service-token");
      if (!flags.name) throw new UsageError("service-token needs --name (what the token is for)");
      const issued = await client.issueServiceToken(ref, defined({ name: flags.name, maxAge: maxAgeOf(flags) }));
      return {
        json: issued,
        text: issued.token,
        note: `service token "${issued.name}" (id ${issued.id}), expires ${formatTime(issued.expiresAt)}: shown once, store it now; send it as Authorization: Bearer <token>`,
      };
    },
  },
  share: {
    usage: "share <email|id> --path /reports/42 [--app NAME] [--max-age 7d] [--methods POST,PUT]",
    flags: ["path", "app", "max-age", "methods"],
    async run({ client, flags, args }) {
      const ref = requirePositional(args, 0, "an email or id", "share");
      if (!flags.path) throw new UsageError("share needs --path (like /reports/42 or /reports/*)");
      // --app is required when the edge has APPS; the edge says so (400 naming "app") when it is missing.
      // --methods is checked by the edge too (400 naming "methods").
      const methods = flags.methods === undefined ? undefined : flags.methods.split(",").map((method) => method.trim());
      const issued = await client.issueShareLink(ref, defined({ path: flags.path, app: flags.app, maxAge: maxAgeOf(flags), methods }));
      const on = flags.app ? ` on ${flags.app}` : "";
      // An edge older than `methods` does not list them: its links allow GET and HEAD.
      const allows = ` allowing ${(issued.methods ?? ["GET", "HEAD"]).join(", ")}`;
      return {
        json: issued,
        text: issued.url,
        note: `share link for ${flags.path}${on}${allows}, expires ${formatTime(issued.expiresAt)}`,
      };
    },
  },
  revoke: {
    usage: "revoke <token>",
    flags: [],
    async run({ client, args }) {
      const result = await client.revokeToken(requirePositional(args, 0, "a token", "revoke"));
      return { json: result, text: `revoked (it would have expired ${formatTime(result.expiresAt)})` };
    },
  },
  sessions: {
    usage: "sessions <email|id> [--revoke-all]",
    flags: ["revoke-all"],
    async run({ client, flags, args }) {
      const ref = requirePositional(args, 0, "an email or id", "sessions");
      if (flags["revoke-all"]) {
        const result = await client.revokeSessions(ref);
        return { json: result, text: `revoked ${result.revoked} session${result.revoked === 1 ? "" : "s"}` };
      }
      const result = await client.listSessions(ref);
      return { json: result, text: renderTable(SESSION_COLUMNS, result.sessions, "(no sessions)") };
    },
  },
  events: {
    usage: `events <email|id> [--limit ${DEFAULT_EVENTS}]`,
    flags: ["limit"],
    async run({ client, flags, args }) {
      const ref = requirePositional(args, 0, "an email or id", "events");
      const result = await client.listEvents(ref, { limit: flags.limit ?? String(DEFAULT_EVENTS) });
      return { json: result, text: renderTable(EVENT_COLUMNS, result.events, "(no events)") };
    },
  },
};

/** Finds the command for the positionals; returns it with the remaining positionals. */
function findCommand(positionals) {
  const [first, second, ...rest] = positionals;
  if (first === "users") {
    const command = userCommands[second];
    if (!command)
      throw new UsageError(second ? `unknown users command: ${second}` : "users needs a command: add, list, show, update, disable, delete");
    return { name: `users ${second}`, command, args: rest };
  }
  const families = { groups: groupCommands, access: accessCommands, clients: clientCommands };
  if (Object.hasOwn(families, first ?? "")) {
    const family = families[first];
    const command = Object.hasOwn(family, second ?? "") ? family[second] : null;
    if (!command) {
      const names = Object.keys(family).join(", ");
      throw new UsageError(second ? `unknown ${first} command: ${second}` : `${first} needs a command: ${names}`);
    }
    return { name: `${first} ${second}`, command, args: rest };
  }
  const command = Object.hasOwn(topCommands, first ?? "") ? topCommands[first] : null;
  if (!command) throw new UsageError(first ? `unknown command: ${first} (try --help)` : "no command given (try --help)");
  return { name: first, command, args: positionals.slice(1) };
}

/** Runs a parsed command line against `client`. */
export async function runCommand({ client, flags, positionals }) {
  const { name, command, args } = findCommand(positionals);
  checkFlags(flags, command.flags, name);
  const expected = command.positionals ?? 1;
  if (args.length > expected)
    throw new UsageError(
      `${name} takes ${expected === 0 ? "no arguments" : expected === 1 ? "one argument" : `${expected} arguments`}, got ${args.length}: ${args.join(" ")}`,
    );
  return command.run({ client, flags, args });
}

export function usageText() {
  const lines = [
    ...Object.values(userCommands),
    ...Object.values(groupCommands),
    ...Object.values(accessCommands),
    ...Object.values(clientCommands),
    ...Object.values(topCommands),
  ].map((c) => `  ${c.usage}`);
  return [
    "usage: npm run admin -- <command> [--url URL] [--token TOKEN] [--json]",
    "",
    "commands:",
    ...lines,
    "",
    "--url     the edge (default http://localhost:8787, or SESAME_URL)",
    "--token   the admin token (default ADMIN_TOKEN, then .dev.vars)",
    "--prefix  AUTH_PREFIX if not /.sesame",
    "--json    print the API's JSON instead of tables",
    "durations: 90s, 10m, 12h, 7d or seconds. Exit codes: 0 ok, 1 the API or network failed, 2 bad usage.",
  ].join("\n");
}
