/**
 * Counting what a hostile surface did: every input's outcome goes into one Tally, which
 * prints the surface's summary line and asserts the figures issue 6 requires (no 5xx, no
 * one authenticated but the valid controls, no off-site redirect, no client identity
 * header at the origin). The first offending inputs are kept, escaped, for the failure
 * message: with the printed seed they replay the run.
 */
import { expect } from "vitest";
import { runSeed } from "../generators/prng";

/** Issue 6: at least this many generated inputs per surface. */
export const MIN_INPUTS_PER_SURFACE = 10_000;
const KEPT_FAILURES = 12;
const SHOWN_INPUT_CHARS = 300;

export interface Outcome {
  status: number;
  /** The request was let in: a session, an identity at the origin, a confirmation page... */
  authenticated: boolean;
  /** A Location (or next that becomes one) pointing off this site. */
  offSite?: boolean;
  /** Identity headers the client sent that the origin received (names). */
  leaked?: string[];
  /** Anything else the surface checks (a 400 without a field name, an unescaped echo...). */
  problem?: string | null;
  /** Why the outcome is what it is, shown with a failure (not counted). */
  note?: string;
}

export class Tally {
  inputs = 0;
  serverErrors = 0;
  authenticated = 0;
  controls = 0;
  controlsAuthenticated = 0;
  offSite = 0;
  leaked = 0;
  problems = 0;
  readonly failures: string[] = [];
  private readonly startedAt = Date.now();
  /** Per-kind input counts, for the docs ("what is generated"). */
  readonly kinds = new Map<string, number>();
  /** How the edge answered, by status. */
  readonly statuses = new Map<number, number>();

  constructor(readonly surface: string) {}

  /** Inputs that were only a re-spelling of a valid credential (same signed bytes) and were let in. */
  equivalentAccepted = 0;

  /**
   * A generated hostile input's outcome: it must not authenticate. With `sameCredential`,
   * the input is a valid credential spelled another way (the same signed bytes): letting it
   * in grants nothing its holder lacks, so either answer is fine and is counted apart.
   */
  input(kind: string, input: unknown, outcome: Outcome, options: { sameCredential?: boolean } = {}) {
    this.inputs += 1;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
    if (options.sameCredential && outcome.authenticated) {
      this.equivalentAccepted += 1;
      outcome = { ...outcome, authenticated: false };
    }
    this.check(kind, input, outcome, false);
  }

  /** A valid control's outcome: it must authenticate (else the surface proves nothing). */
  control(kind: string, input: unknown, outcome: Outcome) {
    this.controls += 1;
    this.check(`control:${kind}`, input, outcome, true);
  }

  /** A finding outside any one input (a raw secret in the logs, a row that should not exist). */
  flag(kind: string, evidence: unknown, problem: string) {
    this.check(kind, evidence, { status: 0, authenticated: false, problem }, false);
  }

  private check(kind: string, input: unknown, outcome: Outcome, isControl: boolean) {
    if (outcome.status > 0) this.statuses.set(outcome.status, (this.statuses.get(outcome.status) ?? 0) + 1);
    const faults: string[] = [];
    if (outcome.status >= 500) {
      this.serverErrors += 1;
      faults.push(`status ${outcome.status}`);
    }
    if (isControl && outcome.authenticated) this.controlsAuthenticated += 1;
    if (isControl && !outcome.authenticated) faults.push("valid control was refused");
    if (!isControl && outcome.authenticated) {
      this.authenticated += 1;
      faults.push("authenticated");
    }
    if (outcome.offSite) {
      this.offSite += 1;
      faults.push("off-site redirect");
    }
    if (outcome.leaked && outcome.leaked.length > 0) {
      this.leaked += outcome.leaked.length;
      faults.push(`leaked ${outcome.leaked.join(",")}`);
    }
    if (outcome.problem) {
      this.problems += 1;
      faults.push(outcome.problem);
    }
    // Control failures are few and say the most: keep them past the cap.
    if (faults.length > 0 && outcome.note) faults.push(outcome.note);
    if (faults.length > 0 && (this.failures.length < KEPT_FAILURES || (isControl && this.failures.length < 3 * KEPT_FAILURES))) {
      this.failures.push(`${kind} ${show(input)} -> ${faults.join("; ")}`);
    }
  }

  summary(): string {
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(1);
    return (
      `[hostile] ${this.surface}: ${this.inputs} inputs, ${this.serverErrors} 5xx, ` +
      `${this.authenticated} authenticated (valid controls ${this.controlsAuthenticated}/${this.controls}` +
      `${this.equivalentAccepted ? `; ${this.equivalentAccepted} re-spelled valid credentials accepted` : ""}), ` +
      `${this.offSite} off-site redirects, ${this.leaked} identity headers leaked, ` +
      `${this.problems} other problems, seed ${runSeed()}, ${seconds} s`
    );
  }

  /**
   * Prints the summary line and asserts every figure. `logs` (the worker's captured log
   * lines): with any 5xx, its first error lines go into the failure message, since why a
   * request failed is only ever logged, never sent (an origin's connection error, say).
   */
  report(logs: readonly string[] = []) {
    const line = this.summary();
    const answers = [...this.statuses]
      .sort(([a], [b]) => a - b)
      .map(([status, n]) => `${status} x${n}`)
      .join(", ");
    console.info(`${line}\n[hostile] ${this.surface}: answers ${answers}`);
    const errors = this.serverErrors > 0 ? logs.filter((l) => l.includes('"level":"error"')).slice(0, 3) : [];
    const context = [line, ...this.failures, ...errors.map((l) => `logged: ${l.slice(0, 300)}`)].join("\n  ");
    expect(this.inputs, context).toBeGreaterThanOrEqual(MIN_INPUTS_PER_SURFACE);
    expect(this.controls, context).toBeGreaterThan(0);
    expect(
      {
        serverErrors: this.serverErrors,
        authenticated: this.authenticated,
        controlsRefused: this.controls - this.controlsAuthenticated,
        offSite: this.offSite,
        leaked: this.leaked,
        problems: this.problems,
      },
      context,
    ).toEqual({ serverErrors: 0, authenticated: 0, controlsRefused: 0, offSite: 0, leaked: 0, problems: 0 });
  }
}

/** An input as JSON, cut short: control characters stay visible and replayable. */
export function show(input: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(input) ?? String(input);
  } catch {
    text = String(input);
  }
  return text.length > SHOWN_INPUT_CHARS ? `${text.slice(0, SHOWN_INPUT_CHARS)}...(${text.length} chars)` : text;
}

/**
 * Runs `work` over `items` with `concurrency` requests in flight: D1, KV and the origin
 * answer over I/O, so overlapping requests is what keeps 10,000 inputs within seconds.
 * Items are pulled in order from the (seeded) iterator, so the inputs are the same on replay.
 *
 * Each lane waits on a timer after each item. Local D1 and KV answer inside workerd's own
 * event loop, which reads its sockets only once nothing else is ready to run: while the
 * other lanes kept it busy, the echo origin's answer to a valid request sat unread for up
 * to 29 s (the origin had answered in 1 ms), and past ORIGIN_TIMEOUT (30 s) it was a 504
 * (docs/reliability.md). Once every lane waits, the loop reads its sockets.
 */
export async function runConcurrently<T>(items: Iterable<T>, concurrency: number, work: (item: T, index: number) => Promise<void>) {
  const iterator = items[Symbol.iterator]();
  let index = 0;
  const lanes = Array.from({ length: concurrency }, async () => {
    for (;;) {
      const next = iterator.next();
      if (next.done) return;
      await work(next.value, index++);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  });
  await Promise.all(lanes);
}
