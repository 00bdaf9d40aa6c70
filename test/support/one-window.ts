/**
 * Rate limits and the audit bound count hits in fixed windows aligned to the epoch
 * (src/rate-limit/index.ts). A test that counts hits over several requests sends them with
 * the clock held still, so a window's end that falls while it runs (a slow machine once
 * crossed 04:00:00 UTC in the middle of 400 requests) cannot split the count in two. The clock
 * is held at the real present, never moved back: stores that only move forward (the
 * revocation memo) see time pause, not reverse.
 */
import { vi } from "vitest";

export async function inOneWindow<T>(run: () => Promise<T>): Promise<T> {
  // Nested, the inner call's end would set the clock going again under the outer one.
  if (vi.isFakeTimers()) throw new Error("inOneWindow: the clock is already held (nested, or by the test itself)");
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.now());
  try {
    return await run();
  } finally {
    vi.useRealTimers();
  }
}
