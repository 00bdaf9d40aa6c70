/**
 * Equal timing for POST /login. For an address that gets an email, the response waits for
 * the row, the token and the provider's answer; for one that does not (unknown, inactive,
 * refused by SIGNUP), nothing is sent, so without care the answer would come back a few
 * hundred milliseconds sooner and tell an observer which addresses have accounts.
 *
 * So every real send is timed, and the no-send path waits for the rolling median of the
 * recent send times of this isolate, plus a little random jitter. Residual risk (see
 * docs/security.md): the median is per isolate, a cold isolate uses a default, and the
 * provider's own latency varies, so a patient attacker averaging many requests may still
 * see a small difference; rate limits per address and per IP bound how many samples they get.
 */

/** Until a send has been timed in this isolate: a typical MailChannels round trip. */
export const DEFAULT_SEND_MS = 250;
/** How many recent sends the median is taken over. */
const SEND_SAMPLES = 31;
/** Jitter added to the wait: up to this share of the median, at least JITTER_MIN_MS. */
const JITTER_SHARE = 0.1;
const JITTER_MIN_MS = 10;
/** A wait never exceeds this, whatever the provider did lately. */
const MAX_WAIT_MS = 5000;

const samples: number[] = [];

/** Records how long one eligible request took, from lookup to the provider's answer. */
export function recordSendDuration(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) return;
  samples.push(Math.min(ms, MAX_WAIT_MS));
  if (samples.length > SEND_SAMPLES) samples.shift();
}

/** The median of recent send durations, or DEFAULT_SEND_MS before the first. */
export function typicalSendMs(): number {
  if (samples.length === 0) return DEFAULT_SEND_MS;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  // biome-ignore lint/style/noNonNullAssertion: mid and mid - 1 index a non-empty array (length >= 2 when even)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Waits until `startedAt` + a typical send + jitter (Unix ms), as if an email had been sent. */
export async function waitLikeASend(startedAt: number): Promise<void> {
  const typical = typicalSendMs();
  const jitter = Math.random() * Math.max(JITTER_MIN_MS, typical * JITTER_SHARE);
  const remaining = Math.min(MAX_WAIT_MS, startedAt + typical + jitter - Date.now());
  if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
}

/** For tests: forget every sample. */
export function resetSendTimings(): void {
  samples.length = 0;
}
