/** Types for local-worker.mjs (Node-side TypeScript tests import it). */
export interface LocalWorker {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  persistTo: string;
  /** The tail of wrangler's output, for failure messages. */
  output(): string;
  /** Stops wrangler (its whole process group) and removes the persist directory. */
  stop(): Promise<void>;
}

export function startLocalWorker(options: { root: string; vars?: Record<string, string>; authPrefix?: string }): Promise<LocalWorker>;
