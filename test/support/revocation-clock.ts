/**
 * Moments for tests that drive the revocation memo (src/kv/revocations.ts) and its shard
 * generations (src/kv/generations.ts) with a clock of their own. The memo lives as long as the
 * isolate, across tests and files, and real stamps only move forward: each moment handed out is
 * ahead of the real clock by more than the settle time, and ahead of the last one by more than
 * a test's span, so no test's stamps or reads reach into the next test's.
 */
const AHEAD_OF_REAL_CLOCK_MS = 100_000;
const TEST_SPAN_MS = 200_000;

/** The first moment no earlier test may still reach. */
let free = 0;

/** A moment for a test whose clock runs up to `spanMs` past it (TEST_SPAN_MS unless it says otherwise). */
export function freshMoment(spanMs = TEST_SPAN_MS): number {
  const moment = Math.max(Date.now() + AHEAD_OF_REAL_CLOCK_MS, free);
  free = moment + spanMs;
  return moment;
}
