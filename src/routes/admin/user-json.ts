import type { User } from "../../db/schema";

/** A user as the admin API shows it: no security stamp, no internal markers; ISO-8601 times. */
export function userJson(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    active: user.isActive,
    createdAt: isoTime(user.createdAt),
    updatedAt: isoTime(user.updatedAt),
    lastLoginAt: isoTimeOrNull(user.lastLoginAt),
  };
}

/** Unix milliseconds to ISO-8601, the one time format of the admin API. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** isoTime for a moment that may not have happened (revoked, last login). */
export function isoTimeOrNull(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms);
}
