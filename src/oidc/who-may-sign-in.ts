/**
 * Who may sign in to a client (docs/oidc.md, "Who may sign in"): the policies of the client's
 * app, asked through the gate's own decide() for `GET /`, with the groups a session of the user
 * would carry, read from D1 now. `bypass` admits, `service` never does (decide() passes over a
 * service policy for a person); a client naming an app that does not exist admits no one;
 * without an app, every active user.
 */
import { decide } from "../access";
import type { AuthMethod } from "../access/types";
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { User } from "../db/schema";
import { carriedGroupNames } from "../groups/session-groups";
import { groupsOfUserAmong } from "../groups/store";
import type { Client } from "./clients";

/** What the policies may read besides the user: how they signed in, and the browser's address and country at authorize. */
export interface SignInFacts {
  amr: AuthMethod;
  ip: string | null;
  country: string | null;
}

export type SignInVerdict = { ok: true } | { ok: false; reason: "inactive" | "unknown_app" | "policy"; policy?: string | null };

export async function maySignIn(config: Config, db: Database, client: Client, user: User, facts: SignInFacts): Promise<SignInVerdict> {
  if (!user.isActive) return { ok: false, reason: "inactive" };
  if (client.app === null) return { ok: true };
  const app = config.access.appByName(client.app);
  if (!app) return { ok: false, reason: "unknown_app" };
  const groups = await groupsOfUserAmong(db, user.id, carriedGroupNames(config));
  const decision = decide(app, { email: user.email, amr: facts.amr, groups }, { pathname: "/", ip: facts.ip, country: facts.country });
  if (decision.decision === "allow" || decision.decision === "bypass") return { ok: true };
  return { ok: false, reason: "policy", policy: decision.policy };
}
