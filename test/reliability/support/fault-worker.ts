/**
 * The worker's own default export (src/index.ts, config parsed and app built as in
 * production) called with bindings a test chose: the fault-injection hook of the
 * reliability tests. The same env object is reused for every request of one worker, so
 * the per-isolate config cache behaves as it does for real.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../../src/index";
import { EDGE, type Fetcher } from "../../login-helpers";

export type FaultWorker = Fetcher & { env: Env };

/** A fetcher through `worker.fetch(request, { ...env, ...overrides }, ctx)`. */
export function workerWithBindings(overrides: Partial<Env> | Record<string, unknown>): FaultWorker {
  const modified = { ...env, ...overrides } as Env;
  const fetcher: Fetcher = async (path, init) => {
    const ctx = createExecutionContext();
    const request = new Request(`${EDGE}${path}`, { redirect: "manual", ...init }) as Request<unknown, IncomingRequestCfProperties>;
    const res = await worker.fetch(request, modified, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return Object.assign(fetcher, { env: modified });
}

/** The MailChannels stand-in's send URL (a test binding, not in the generated Env type). */
export const MAIL_STAND_IN_URL: string = (env as unknown as Record<string, string>).MAILCHANNELS_API_URL!;
