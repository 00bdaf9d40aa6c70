/**
 * POST /access/check (docs/admin-api.md, "Access check"): which decision and which policy
 * the gate would apply to a user (or to nobody signed in) opening a URL. It asks the same
 * `decide()` the gate asks, with the groups a session of that user would carry.
 */
import { Hono } from "hono";
import { type AccessPrincipal, decide } from "../../access";
import { parseIp } from "../../access/ip-range";
import type { AuthMethod } from "../../access/types";
import type { Config } from "../../config";
import type { User } from "../../db/schema";
import type { AppEnv } from "../../env";
import { BadRequestError, NotFoundError } from "../../errors";
import { carriedGroupNames } from "../../groups/session-groups";
import { groupsOfUserAmong } from "../../groups/store";
import { readEmail, readJsonObject, readString, required } from "../../http/json-body";
import { isUuid } from "../../tokens";
import { findUserByEmail, findUserById } from "../../users/store";

const AMRS: readonly AuthMethod[] = ["link", "code", "service", "share"];
const METHODS = /^[A-Z]{1,16}$/;
const MAX_URL_LENGTH = 4096;

export function accessAdminRoutes(config: Config) {
  const app = new Hono<AppEnv>();

  app.post("/access/check", async function checkAccess(c) {
    const body = await readJsonObject(c.req.raw, ["email", "userId", "url", "method", "amr", "ip", "country"]);
    const url = parseUrl(required(readString(body, "url", { maxLength: MAX_URL_LENGTH }), "url"));
    const method = readString(body, "method", { maxLength: 16 }) ?? "GET";
    if (!METHODS.test(method)) throw new BadRequestError("method", "method must be an HTTP method in upper case, like GET");
    const amr = (readString(body, "amr", { maxLength: 16 }) ?? "link") as AuthMethod;
    if (!AMRS.includes(amr)) throw new BadRequestError("amr", `amr must be one of ${AMRS.join(", ")}`);
    const ip = readString(body, "ip", { maxLength: 64 }) ?? null;
    if (ip !== null && parseIp(ip) === null) throw new BadRequestError("ip", "ip must be an IPv4 or IPv6 address");
    const country = readString(body, "country", { maxLength: 2 }) ?? null;
    if (country !== null && !/^[A-Z0-9]{2}$/.test(country))
      throw new BadRequestError("country", "country must be a two-letter code in upper case, like DE");

    const target = config.access.appForHost(url.host);
    if (!target) throw new BadRequestError("url", "No app serves this URL's host");

    const principal = await principalOf(c, body, amr);
    const decision = decide(target, principal, { pathname: url.pathname, ip, country });
    if (decision.decision === "bad-path") {
      throw new BadRequestError(
        "url",
        "The URL's path is ambiguous (an encoded slash, a double slash or a look-alike character): the gate answers 400",
      );
    }
    return c.json({ decision: decision.decision, app: target.name, policy: decision.policy });
  });

  /** The principal a session of the named user would be, or null when no user is named. */
  async function principalOf(
    c: { var: AppEnv["Variables"] },
    body: Record<string, unknown>,
    amr: AuthMethod,
  ): Promise<AccessPrincipal | null> {
    const email = readEmail(body, "email");
    const userId = readString(body, "userId", { maxLength: 64 });
    if (email !== undefined && userId !== undefined) throw new BadRequestError("userId", "Give email or userId, not both");
    let user: User | null;
    if (email !== undefined) user = await findUserByEmail(c.var.db, email);
    else if (userId === undefined) return null;
    else if (isUuid(userId.toLowerCase())) user = await findUserById(c.var.db, userId.toLowerCase());
    else throw new BadRequestError("userId", "userId must be a user id (a UUID)");
    if (!user) throw new NotFoundError("No such user");
    // An inactive user has no session and no working token: the gate would ask them to sign in.
    if (!user.isActive) return null;
    const groups = await groupsOfUserAmong(c.var.db, user.id, carriedGroupNames(config));
    return { email: user.email, amr, groups };
  }

  return app;
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
