/**
 * The access check (docs/admin-api.md, "Access check"): which decision and which policy the
 * gate would apply to a user (or to nobody signed in) opening a URL. It asks the same
 * `decide()` the gate asks, with the groups a session of that user would carry. Shared by
 * POST /admin/api/access/check and the console's access page.
 */
import { type AccessPrincipal, decide } from "../access";
import { parseIp } from "../access/ip-range";
import type { AuthMethod } from "../access/types";
import type { User } from "../db/schema";
import { BadRequestError, NotFoundError } from "../errors";
import { carriedGroupNames } from "../groups/session-groups";
import { groupsOfUserAmong } from "../groups/store";
import { isUuid } from "../tokens";
import { findUserByEmail, findUserById } from "../users/store";
import type { AdminCaller } from "./caller";

const ACCESS_AMRS: readonly AuthMethod[] = ["link", "code", "service", "share"];
const METHODS = /^[A-Z]{1,16}$/;
export const MAX_URL_LENGTH = 4096;

export interface AccessQuestion {
  /** Normalised email, or undefined. */
  email?: string;
  userId?: string;
  url: string;
  method?: string;
  amr?: string;
  ip?: string;
  country?: string;
}

export interface AccessAnswer {
  decision: "allow" | "deny" | "bypass" | "sign-in";
  app: string;
  policy: string | null;
}

export async function checkAccess(caller: Pick<AdminCaller, "deps">, question: AccessQuestion): Promise<AccessAnswer> {
  const { config } = caller.deps;
  if (question.url.length > MAX_URL_LENGTH) throw new BadRequestError("url", `url must be at most ${MAX_URL_LENGTH} characters`);
  const url = parseUrl(question.url);
  const method = question.method ?? "GET";
  if (!METHODS.test(method)) throw new BadRequestError("method", "method must be an HTTP method in upper case, like GET");
  const amr = (question.amr ?? "link") as AuthMethod;
  if (!ACCESS_AMRS.includes(amr)) throw new BadRequestError("amr", `amr must be one of ${ACCESS_AMRS.join(", ")}`);
  const ip = question.ip ?? null;
  if (ip !== null && parseIp(ip) === null) throw new BadRequestError("ip", "ip must be an IPv4 or IPv6 address");
  const country = question.country ?? null;
  if (country !== null && !/^[A-Z0-9]{2}$/.test(country)) {
    throw new BadRequestError("country", "country must be a two-letter code in upper case, like DE");
  }

  const target = config.access.appForHost(url.host);
  if (!target) throw new BadRequestError("url", "No app serves this URL's host");

  const principal = await principalOf(caller, question, amr);
  const decision = decide(target, principal, { pathname: url.pathname, ip, country });
  if (decision.decision === "bad-path") {
    throw new BadRequestError(
      "url",
      "The URL's path is ambiguous (an encoded slash, a double slash or a look-alike character): the gate answers 400",
    );
  }
  return { decision: decision.decision, app: target.name, policy: decision.policy };
}

/** The principal a session of the named user would be, or null when no user is named. */
async function principalOf(caller: Pick<AdminCaller, "deps">, question: AccessQuestion, amr: AuthMethod): Promise<AccessPrincipal | null> {
  const { db, config } = caller.deps;
  const { email, userId } = question;
  if (email !== undefined && userId !== undefined) throw new BadRequestError("userId", "Give email or userId, not both");
  let user: User | null;
  if (email !== undefined) user = await findUserByEmail(db, email);
  else if (userId === undefined) return null;
  else if (isUuid(userId.toLowerCase())) user = await findUserById(db, userId.toLowerCase());
  else throw new BadRequestError("userId", "userId must be a user id (a UUID)");
  if (!user) throw new NotFoundError("No such user");
  // An inactive user has no session and no working token: the gate would ask them to sign in.
  if (!user.isActive) return null;
  const groups = await groupsOfUserAmong(db, user.id, carriedGroupNames(config));
  return { email: user.email, amr, groups };
}

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequestError("url", "url must be an absolute http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new BadRequestError("url", "url must be an absolute http(s) URL");
  return url;
}
