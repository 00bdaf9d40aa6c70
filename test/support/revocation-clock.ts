/**
 * Moments for tests that drive the revocation memo (src/kv/revocations.ts) and its shard
 * generations (src/kv/generations.ts) with a clock of their own. The memo lives as long as the
 * isolate, across tests and files, and real stamps only move forward: each moment handed out is
 * ahead of the real clock by more than the settle time, and ahead of the last one by more than
 * a test's span, so no test's stamps or reads reach into the next test's.
 */
const AHEAD_OF_REAL_CLOCK_MS = 100_000;
const TEST_SPAN_MS = 200_000;

let last = 0;

export function freshMoment(): number {
  last = Math.max(Date.now() + AHEAD_OF_REAL_CLOCK_MS, last + TEST_SPAN_MS);
  return last;
}
