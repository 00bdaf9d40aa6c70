/**
 * Who may open the console (docs/admin-console.md, "Who may use it"): a browser session
 * signed in by link or code whose user is, right now, a member of ADMIN_GROUP. The session
 * cookie is the only credential read here: a service token or a share link never opens it.
 * Unlike the gate's hot path, every console request reads D1: the session row (still live,
 * its user active and unchanged since sign-in) and the membership, so removing or disabling
 * an admin, or revoking their session, takes effect at once.
 */
import type { Context, MiddlewareHandler } from "hono";
import { recordFailureEvent } from "../audit/record-failure";
import type { Config } from "../config";
import { type AppEnv, authDeps } from "../env";
import { ServiceUnavailableError } from "../errors";
import { seedAdminGroup } from "../groups/seed-admins";
import { groupsOfUserAmong } from "../groups/store";
import { clientIp, userAgent } from "../http/request-info";
import { continueNext } from "../login/continue";
import { readSession } from "../sessions";
import { findSessionWithUser } from "../sessions/store";
import { ConsoleForbiddenPage } from "./pages/forbidden-page";
import { consolePage } from "./pages/layout";

/** Issuing a credential needs a sign-in at most this old (docs/admin-console.md, "Fresh sign-in"). */
const FRESH_SIGN_IN_SECONDS = 15 * 60;

export interface ConsoleAdmin {
  userId: string;
  email: string;
  sessionId: string;
  /** Unix ms of the sign-in that started this session. */
  signedInAt: number;
}

export interface ConsoleEnv {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & { admin: ConsoleAdmin };
}

/**
 * The sign-in page, returning to `pathAndQuery` afterwards through the signed `continue`
 * value (src/login/continue.ts). A path that value cannot name (odd encodings) returns to the
 * console's front page instead.
 */
export async function signInUrl(config: Config, pathAndQuery: string): Promise<string> {
  let next: string;
  try {
    next = await continueNext(config, pathAndQuery);
  } catch {
    next = await continueNext(config, `${config.authPrefix}/admin`);
  }
  return `${config.authPrefix}/login?next=${encodeURIComponent(next)}`;
}

/** Where a browser without an admin session goes: back to this page after sign-in (GET), else the console's front page. */
function returnPath(c: Context<ConsoleEnv>, config: Config): string {
  const url = new URL(c.req.url);
  return c.req.method === "GET" ? url.pathname + url.search : `${config.authPrefix}/admin`;
}

export function requireConsoleAdmin(config: Config): MiddlewareHandler<ConsoleEnv> {
  return async function requireConsoleAdmin(c, next) {
    const deps = authDeps(c);
    const check = await readSession(c.req.raw, deps);
    if (!check.ok && check.reason === "unavailable") throw new ServiceUnavailableError();
    const row = check.ok ? await findSessionWithUser(deps.db, check.identity.sessionId) : null;
    const now = Date.now();
    const live =
      check.ok &&
      row !== null &&
      row.userId === check.identity.userId &&
      row.revokedAt === null &&
      row.expiresAt > now &&
      row.isActive &&
      row.stateChangedAt <= row.createdAt;
    if (!check.ok || !live || row === null) return c.redirect(await signInUrl(config, returnPath(c, config)), 303);

    await seedAdminGroup(deps.db, config);
    const isAdmin = (await groupsOfUserAmong(deps.db, row.userId, [config.adminGroup])).length > 0;
    if (!isAdmin) {
      await recordFailureEvent(
        { config, db: deps.db },
        {
          event: "admin_denied",
          userId: row.userId,
          reason: "not_in_admin_group",
          ip: clientIp(c.req.raw),
          userAgent: userAgent(c.req.raw),
          detail: { method: c.req.method, path: new URL(c.req.url).pathname.slice(0, 200) },
        },
      );
      const again = await continueNext(config, `${config.authPrefix}/admin`);
      return consolePage(c, <ConsoleForbiddenPage config={config} email={row.email} next={again} />, 403);
    }

    c.set("admin", { userId: row.userId, email: row.email, sessionId: check.identity.sessionId, signedInAt: row.createdAt });
    await next();
    if (check.setCookie) c.res.headers.append("Set-Cookie", check.setCookie);
  };
}

/** True when the admin signed in recently enough to issue credentials. */
export function hasFreshSignIn(admin: ConsoleAdmin, now = Date.now()): boolean {
  return now - admin.signedInAt <= FRESH_SIGN_IN_SECONDS * 1000;
}
