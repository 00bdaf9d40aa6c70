/**
 * Figures for docs/reliability.md: each scenario prints one line, `[reliability] <scenario>
 * {figures}`, so a run's output holds every number the document quotes. The product's own
 * log lines (one JSON line per audit event, the dev mailer's notice) would bury them under
 * thousands of lines, so tests capture those instead and may assert on them.
 */
import { afterAll, beforeAll } from "vitest";

const print = console.log.bind(console);
const METHODS = ["log", "info", "warn", "error", "debug"] as const;

export function reportFigures(scenario: string, figures: Record<string, unknown>): void {
  print(`[reliability] ${scenario} ${JSON.stringify(figures)}`);
}

/** Every console line the product wrote since the file started (or since `clear()`). */
export interface CapturedLogs {
  lines: string[];
  clear(): void;
}

/** Captures console output for the whole test file (and restores it afterwards). */
export function captureProductLogs(): CapturedLogs {
  const captured: CapturedLogs = {
    lines: [],
    clear: () => {
      captured.lines.length = 0;
    },
  };
  const originals = new Map<(typeof METHODS)[number], (...args: unknown[]) => void>();
  beforeAll(() => {
    for (const method of METHODS) {
      originals.set(method, console[method]);
      console[method] = (...args: unknown[]) => void captured.lines.push(args.map(String).join(" "));
    }
  });
  afterAll(() => {
    for (const [method, original] of originals) console[method] = original;
  });
  return captured;
}

/** How many times each status occurred, e.g. {"303": 1, "400": 99}. */
export function countStatuses(responses: Response[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const res of responses) counts[res.status] = (counts[res.status] ?? 0) + 1;
  return counts;
}

/** Drops every unread body, so no response is left holding a stream. */
export async function drain(responses: Response[]): Promise<void> {
  await Promise.all(responses.map((res) => (res.bodyUsed ? undefined : res.body?.cancel())));
}
