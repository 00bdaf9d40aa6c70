/**
 * The console's users section (docs/admin-console.md, "Users"): the list with search and
 * paging, creation, and one user's page with everything an admin does to that user. Every
 * change calls the operation the admin API calls (src/admin) with the signed-in admin as the
 * caller; destructive ones ask first (forms.tsx), credentials need a fresh sign-in.
 */
import { type Context, Hono } from "hono";
import {
  findServiceToken,
  issueServiceToken,
  issueShareLink,
  listServiceTokensOf,
  revokeOneToken,
  revokeServiceToken,
} from "../admin/credentials";
import { listEventPage } from "../admin/events";
import { addGroupMember, existingGroup } from "../admin/groups";
import { resolveUser } from "../admin/resolve-user";
import { endSessions, listSessionsOf } from "../admin/sessions";
import { createUserAccount, DEFAULT_PAGE_SIZE, deleteUserAccount, listUserPage, MAX_NAME_LENGTH, updateUserAccount } from "../admin/users";
import { SHARE_ACTION_METHODS } from "../auth/scopes";
import type { Config } from "../config";
import { AppError, BadRequestError, NotFoundError } from "../errors";
import { groupsOfUser, listGroups } from "../groups/store";
import { checkEmail } from "../http/json-body";
import { isUuid } from "../tokens";
import { MAX_EMAIL_LENGTH } from "../users/email";
import { type ConsoleEnv, hasFreshSignIn, signInUrl } from "./auth";
import { consoleCaller, doneRedirect, type FormFields, optional, readConsoleForm, unlessConfirmed } from "./forms";
import { IssuedPage } from "./pages/issued-page";
import { consolePage } from "./pages/layout";
import { MessagePage } from "./pages/message-page";
import { UserPage } from "./pages/user-page";
import { UsersPage } from "./pages/users-page";

/** What `?done=` says on the page an action returns to. */
const DONE_NOTICES: Record<string, string> = {
  created: "The user was created.",
  saved: "The changes were saved.",
  disabled: "The user was disabled: their sessions and tokens have ended.",
  deleted: "The user was deleted.",
  "session-ended": "The session was ended.",
  "sessions-ended": "Every session of this user was ended.",
  "group-added": "The user was added to the group.",
  "group-exists": "The user already was a member of that group.",
  "member-removed": "The user was removed from the group.",
  "token-revoked": "The service token was revoked.",
  "link-revoked": "The link was revoked.",
};

/** Days in a lifetime field: 1 to 365. */
const MAX_DAYS = 365;

function noticeOf(c: Context<ConsoleEnv>): string | null {
  return DONE_NOTICES[c.req.query("done") ?? ""] ?? null;
}

/** The user named by the path's `:id` (a UUID); 404 for anything else. */
async function userOf(c: Context<ConsoleEnv>) {
  const id = c.req.param("id") ?? "";
  if (!isUuid(id)) throw new NotFoundError("No such user");
  return resolveUser(c.var.db, id);
}

function daysField(form: FormFields, field = "days"): number {
  const raw = form(field, 8).trim();
  if (!/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_DAYS) {
    throw new BadRequestError(field, `The lifetime must be a whole number of days from 1 to ${MAX_DAYS}`);
  }
  return Number(raw) * 24 * 3600;
}

/**
 * Issuing a credential needs a sign-in within FRESH_SIGN_IN_SECONDS: otherwise a page that
 * sends the admin to sign in again and back to the user's page.
 */
async function refuseStaleSignIn(c: Context<ConsoleEnv>, config: Config, userId: string): Promise<Response | null> {
  if (hasFreshSignIn(c.var.admin)) return null;
  const href = await signInUrl(config, `${config.authPrefix}/admin/users/${userId}`);
  return consolePage(
    c,
    <MessagePage
      config={config}
      email={c.var.admin.email}
      title="Sign in again"
      message="Issuing a token or a link needs a sign-in within the last 15 minutes. Sign in again, then issue it."
      action={{ href, label: "Sign in again" }}
    />,
    403,
  );
}

export function consoleUserRoutes(config: Config) {
  const app = new Hono<ConsoleEnv>();
  const base = `${config.authPrefix}/admin/users`;

  async function showUsers(c: Context<ConsoleEnv>, error?: { message: string; field: string; email: string; name: string }) {
    const search = (c.req.query("email") ?? "").slice(0, MAX_EMAIL_LENGTH);
    const after = (c.req.query("after") ?? "").slice(0, MAX_EMAIL_LENGTH);
    const { users, next } = await listUserPage(consoleCaller(c), { email: search, after, limit: DEFAULT_PAGE_SIZE });
    const page = (
      <UsersPage config={config} email={c.var.admin.email} users={users} search={search} next={next} notice={noticeOf(c)} error={error} />
    );
    return consolePage(c, page, error ? 400 : 200);
  }

  app.get("/users", (c) => showUsers(c));

  app.post("/users", async function createUserForm(c) {
    const form = await readConsoleForm(c);
    const typedEmail = form("email", MAX_EMAIL_LENGTH + 64);
    const name = form("name", MAX_NAME_LENGTH).trim();
    try {
      const user = await createUserAccount(consoleCaller(c), {
        email: checkEmail(typedEmail, "email"),
        name,
        isActive: form("active", 8) === "yes",
      });
      return doneRedirect(c, `${base}/${user.id}`, "created");
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      return showUsers(c, { message: error.message, field: error.field ?? "", email: typedEmail.trim(), name });
    }
  });

  app.get("/users/:id", async function showUser(c) {
    const user = await userOf(c);
    const caller = consoleCaller(c);
    const [groups, allGroups, sessions, serviceTokens, events] = await Promise.all([
      groupsOfUser(c.var.db, user.id),
      listGroups(c.var.db, { limit: 200 }),
      listSessionsOf(caller, user),
      listServiceTokensOf(caller, user),
      listEventPage(caller, { userId: user.id, limit: 20 }),
    ]);
    const page = (
      <UserPage
        config={config}
        email={c.var.admin.email}
        user={user}
        groups={groups}
        allGroups={allGroups.map((g) => g.name).filter((name) => !groups.includes(name))}
        sessions={sessions}
        serviceTokens={serviceTokens}
        events={events.events}
        notice={noticeOf(c)}
        fresh={hasFreshSignIn(c.var.admin)}
        now={Date.now()}
      />
    );
    return consolePage(c, page);
  });

  app.post("/users/:id", async function editUser(c) {
    const user = await userOf(c);
    const form = await readConsoleForm(c);
    await updateUserAccount(consoleCaller(c), user, {
      email: checkEmail(form("email", MAX_EMAIL_LENGTH + 64), "email"),
      name: form("name", MAX_NAME_LENGTH).trim(),
      isActive: form("active", 8) === "yes",
    });
    return doneRedirect(c, `${base}/${user.id}`, "saved");
  });

  app.post("/users/:id/disable", async function disableUser(c) {
    const user = await userOf(c);
    const form = await readConsoleForm(c);
    const ask = unlessConfirmed(c, form, {
      title: "Disable this user?",
      question: `${user.email} will be signed out everywhere, every token and link of theirs stops working, and they cannot sign in until enabled again.`,
      fields: {},
      button: "Disable",
      back: `${base}/${user.id}`,
    });
    if (ask) return ask;
    await updateUserAccount(consoleCaller(c), user, { isActive: false });
    return doneRedirect(c, `${base}/${user.id}`, "disabled");
  });

  app.post("/users/:id/delete", async function deleteUser(c) {
    const user = await userOf(c);
    const form = await readConsoleForm(c);
    const ask = unlessConfirmed(c, form, {
      title: "Delete this user?",
      question: `${user.email} will be deleted with their sessions, tokens and group memberships. This cannot be undone; their audit events stay.`,
      fields: {},
      button: "Delete",
      back: `${base}/${user.id}`,
    });
    if (ask) return ask;
    await deleteUserAccount(consoleCaller(c), user);
    return doneRedirect(c, base, "deleted");
  });

  app.post("/users/:id/groups", async function addToGroup(c) {
    const user = await userOf(c);
    const form = await readConsoleForm(c);
    const caller = consoleCaller(c);
    const group = await existingGroup(caller, form("group", 64).trim());
    const result = await addGroupMember(caller, group, user);
    return doneRedirect(c, `${base}/${user.id}`, result === "added" ? "group-added" : "group-exists");
  });

  app.post("/users/:id/sessions/revoke", async function endUserSessions(c) {
    const user = await userOf(c);
    const form = await readConsoleForm(c);
    const sessionId = optional(form, "sessionId", 64);
    const ask = unlessConfirmed(c, form, {
      title: sessionId ? "End this session?" : "End every session?",
      question: sessionId
        ? `The browser holding this session of ${user.email} is signed out at once.`
        : `Every browser where ${user.email} is signed in is signed out at once.`,
      fields: sessionId ? { sessionId } : {},
      button: sessionId ? "End session" : "End all sessions",
      back: `${base}/${user.id}`,
    });
    if (ask) return ask;
    await endSessions(consoleCaller(c), user, sessionId);
    return doneRedirect(c, `${base}/${user.id}`, sessionId ? "session-ended" : "sessions-ended");
  });

  app.post("/users/:id/service-tokens", async function issueServiceTokenForm(c) {
    const user = await userOf(c);
    const form = await readConsoleForm(c);
    const stale = await refuseStaleSignIn(c, config, user.id);
    if (stale) return stale;
    const { row, token } = await issueServiceToken(consoleCaller(c), user, { name: form("name", 200), maxAge: daysField(form) });
    const page = (
      <IssuedPage
        config={config}
        email={c.var.admin.email}
        title="Service token issued"
        summary={`The service token "${row.name}" for ${user.email}. Clients send it as Authorization: Bearer <token>.`}
        secret={token}
        secretLabel="Token"
        expiresAt={row.expiresAt}
        back={{ href: `${base}/${user.id}#service-tokens`, label: `Back to ${user.email}` }}
      />
    );
    return consolePage(c, page, 201);
  });

  app.post("/users/:id/share-links", async function issueShareLinkForm(c) {
    const user = await userOf(c);
    const form = await readConsoleForm(c);
    const stale = await refuseStaleSignIn(c, config, user.id);
    if (stale) return stale;
    const link = await issueShareLink(consoleCaller(c), user, {
      app: optional(form, "app", 200) ?? null,
      path: form("path", 400),
      maxAge: daysField(form),
      // One checkbox per method a link may also allow (src/console/pages/user-page.tsx).
      methods: SHARE_ACTION_METHODS.filter((method) => form(`method-${method.toLowerCase()}`, 8) === "yes"),
    });
    const actions = link.methods.filter((method) => method !== "GET" && method !== "HEAD");
    const page = (
      <IssuedPage
        config={config}
        email={c.var.admin.email}
        title="Share link issued"
        summary={`A link that opens ${new URL(link.url).host}${new URL(link.url).pathname} as ${user.email}, without signing in${
          actions.length > 0 ? `, and may also send ${actions.join(", ")} there from the shared pages` : ""
        }.`}
        secret={link.url}
        secretLabel="Link"
        expiresAt={link.expiresAt}
        back={{ href: `${base}/${user.id}#share-links`, label: `Back to ${user.email}` }}
      />
    );
    return consolePage(c, page, 201);
  });

  return app;
}

/** A pasted share link or login link is reduced to its token (`?sesame=`); a bare token stays as it is. */
function tokenFromPaste(pasted: string): string {
  const text = pasted.trim();
  try {
    const url = new URL(text);
    return url.searchParams.get("sesame") ?? text;
  } catch {
    return text;
  }
}

export function consoleTokenRoutes(config: Config) {
  const app = new Hono<ConsoleEnv>();

  app.post("/tokens/revoke", async function revokeTokenForm(c) {
    const form = await readConsoleForm(c);
    const back = optional(form, "back", 64);
    const backPath = back && isUuid(back) ? `${config.authPrefix}/admin/users/${back}` : `${config.authPrefix}/admin/users`;
    const pasted = form("token", 4096);
    const ask = unlessConfirmed(c, form, {
      title: "Revoke this link?",
      question: "The link stops working at once, everywhere, for good.",
      fields: { token: pasted, ...(back ? { back } : {}) },
      button: "Revoke",
      back: backPath,
    });
    if (ask) return ask;
    await revokeOneToken(consoleCaller(c), tokenFromPaste(pasted));
    return doneRedirect(c, backPath, "link-revoked");
  });

  app.post("/service-tokens/:id/revoke", async function revokeServiceTokenForm(c) {
    const caller = consoleCaller(c);
    const token = await findServiceToken(caller, c.req.param("id"));
    const form = await readConsoleForm(c);
    const backPath = `${config.authPrefix}/admin/users/${token.userId}`;
    const ask = unlessConfirmed(c, form, {
      title: "Revoke this service token?",
      question: `The service token "${token.name}" stops working at once, for good.`,
      fields: {},
      button: "Revoke",
      back: backPath,
    });
    if (ask) return ask;
    await revokeServiceToken(caller, token);
    return doneRedirect(c, backPath, "token-revoked");
  });

  return app;
}
