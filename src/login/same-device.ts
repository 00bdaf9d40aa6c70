/**
 * SAME_DEVICE: was this link or code used in the browser that asked for the email?
 * (docs/security.md "Same device".) `off` never asks; `warn` tells the other browser and
 * lets it go on; `require` lets only the asking browser sign in.
 */
import type { Config } from "../config";
import type { Database } from "../db/client";
import type { LoginRequest } from "../db/schema";
import { hashToken } from "../tokens";
import { attemptMatches, readAttemptCookie } from "./attempt-cookie";
import { findLoginRequestByLinkHash } from "./requests-store";

export type SameDeviceVerdict =
  /** The asking browser (its attempt cookie matches the request). */
  | { verdict: "same" }
  /** Nothing to compare: SAME_DEVICE=off, or a link no browser asked for (issued by the admin API). */
  | { verdict: "unbound" }
  /** Another browser: who asked, and when, for the page that says so. */
  | { verdict: "other"; askedAt: number; askedFrom: string | null };

/** Compares the bound attempt of `loginRequest` (the one a link or code was emailed for) with this browser's cookie. */
export async function judgeSameDevice(config: Config, loginRequest: LoginRequest | null, request: Request): Promise<SameDeviceVerdict> {
  if (config.sameDevice === "off" || !loginRequest?.attemptHash) return { verdict: "unbound" };
  if (await attemptMatches(config, loginRequest.id, readAttemptCookie(request, config), loginRequest.attemptHash)) {
    return { verdict: "same" };
  }
  return { verdict: "other", askedAt: loginRequest.createdAt, askedFrom: loginRequest.userAgent };
}

/** The same judgement for an emailed link, found by its token's hash. */
export async function judgeLinkDevice(deps: { config: Config; db: Database }, token: string, request: Request): Promise<SameDeviceVerdict> {
  if (deps.config.sameDevice === "off" || !token) return { verdict: "unbound" };
  return judgeSameDevice(deps.config, await findLoginRequestByLinkHash(deps.db, await hashToken(token)), request);
}
