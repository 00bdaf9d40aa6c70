/** Durations on the command line: 90s, 10m, 12h, 7d, or plain seconds. */
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400 };

/** Returns whole seconds; throws a one-line error naming `flag` for anything else. */
export function parseDuration(raw, flag) {
  const match = /^(\d+)([smhd]?)$/.exec(String(raw).trim());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || "s"] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UsageError(`${flag} must be a duration like 90s, 10m, 12h, 7d or a number of seconds, got ${JSON.stringify(String(raw))}`);
  }
  return seconds;
}

/** Bad command-line input: the CLI prints the message and exits 2, without calling the API. */
export class UsageError extends Error {
  name = "UsageError";
}
