/**
 * A remembered service token is checked in D1 again within SESSION_REVALIDATE of its last check,
 * at a moment set by its hash in the period's last fifth (src/gate/token-auth.ts, recheckAt), so
 * tokens first verified together do not all come due together (docs/gate.md). Seen here through
 * what only D1 knows: the users are deactivated in D1 alone, which a remembered token learns at
 * its next D1 check and not before.
 */
import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../src/db/schema";
import { authenticateServiceToken } from "../src/gate/token-auth";
import { deps, userWithServiceToken } from "./gate-support";
import { freshMoment } from "./support/revocation-clock";

const TOKENS = 20;

describe("service tokens verified together", () => {
  it("are checked in D1 again at moments spread over the last fifth of SESSION_REVALIDATE, and never later", async () => {
    const tokens = await Promise.all(Array.from({ length: TOKENS }, () => userWithServiceToken()));
    const base = deps();
    const period = base.config.session.revalidateSeconds * 1000;
    const t0 = freshMoment(period + 1000);
    const accepted = async (at: number) => {
      const principals = await Promise.all(tokens.map((t) => authenticateServiceToken({ ...base, now: at }, t.token)));
      return principals.filter((p) => p !== null).length;
    };
    expect(await accepted(t0)).toBe(TOKENS);
    const ids = tokens.map((t) => t.user.id);
    await base.db.update(users).set({ isActive: false }).where(inArray(users.id, ids));
    const states = await base.db.select({ isActive: users.isActive }).from(users).where(inArray(users.id, ids)).all();
    expect(states.map((row) => row.isActive)).toEqual(Array(TOKENS).fill(false));

    expect(await accepted(t0 + period * 0.8 - 1)).toBe(TOKENS);
    // Each token comes due at its own moment in the last fifth: at its middle, some have and some have not.
    // (All twenty on one side of it by chance: about 2 in a million.)
    const halfway = await accepted(t0 + period * 0.9);
    expect(halfway).toBeGreaterThan(0);
    expect(halfway).toBeLessThan(TOKENS);
    expect(await accepted(t0 + period)).toBe(0);
  });
});
