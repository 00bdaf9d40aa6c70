/**
 * Bench worker for the access decision (docs/access.md): the question the gate asks of every
 * request (the app of the host, then decide()), N times inside workerd, for the single
 * implicit app and for 50 apps of 20 policies (bench/lib/many-apps.mjs), compiled once as
 * the worker compiles them per isolate.
 *
 *   GET /run?op=one-app|many-apps&n=1000  ->  {op, n, ms, failures}
 */
import { type AccessRegistry, decide, loadAccess } from "../../src/access";
import type { AccessPrincipal, AccessRequest } from "../../src/access/types";
import { MEASURED_HOST, MEASURED_PATH, manyApps } from "../lib/many-apps.mjs";

const ORIGIN = "http://127.0.0.1:9";

function registry(apps: unknown): AccessRegistry {
  const problems: string[] = [];
  const implicit = () => ({ originText: ORIGIN, origin: new URL(ORIGIN), audience: ORIGIN, publicPaths: [] });
  const compiled = loadAccess(apps === null ? undefined : JSON.stringify(apps), problems, implicit, null);
  if (!compiled) throw new Error(problems.join("; "));
  return compiled;
}

const ONE_APP = registry(null);
const MANY_APPS = registry(manyApps({ origin: ORIGIN }));
const principal: AccessPrincipal = { email: "bench-1@example.com", amr: "link", groups: [] };
const request: AccessRequest = { pathname: MEASURED_PATH, ip: "198.51.100.7", country: "FR" };

/** One decision as the gate takes it: the host's app, then its policies. True when it allowed (the path measured). */
const OPERATIONS: Record<string, () => boolean> = {
  "one-app": () => {
    const app = ONE_APP.appForHost("localhost:8787");
    return app !== null && decide(app, principal, request).decision === "allow";
  },
  "many-apps": () => {
    const app = MANY_APPS.appForHost(MEASURED_HOST);
    return app !== null && decide(app, principal, request).decision === "allow";
  },
};

export default {
  async fetch(incoming: Request): Promise<Response> {
    const url = new URL(incoming.url);
    const op = url.searchParams.get("op") ?? "";
    const run = OPERATIONS[op];
    const n = Number(url.searchParams.get("n"));
    if (url.pathname !== "/run" || !run || !Number.isInteger(n) || n < 1 || n > 10_000_000) {
      return Response.json({ error: `GET /run?op=${Object.keys(OPERATIONS).join("|")}&n=1..1e7` }, { status: 400 });
    }
    let failures = 0;
    const start = performance.now();
    for (let i = 0; i < n; i++) if (!run()) failures++;
    return Response.json({ op, n, ms: performance.now() - start, failures });
  },
};
