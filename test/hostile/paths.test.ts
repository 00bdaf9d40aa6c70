/**
 * Surface 7: request paths, on the gate and under the auth prefix, anonymous and signed in,
 * against a worker with PUBLIC_PATHS "/static/*,/healthz" and the default worker. An
 * anonymous request may reach the origin only for a path the origin itself reads as public
 * (decoded, NFKC-folded, backslashes as slashes, `;params` dropped, dot segments resolved,
 * the way servers behind proxies have read them), and may never reach the admin API or /me.
 * Answers path-confusion bypasses of auth proxies (`/public/..;/admin`, `%2e%2e`, `%2f`).
 */

import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { hostilePaths } from "./generators/paths";
import { surfaceRng } from "./generators/prng";
import { bodyText, captureLogs, echoOf, edge, edgeWith, type Fetcher, makeUser, PREFIX, randomIp, sessionFor } from "./support/edge";
import { type Outcome, runConcurrently, Tally } from "./support/tally";

const INPUTS = 10_400;
const PUBLIC_PATHS = "/static/*,/healthz";
const METHODS = ["GET", "GET", "GET", "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"];
/** JSON keys only an authenticated answer of the edge holds (/me, the admin API). */
const PRIVATE_KEYS = ["userId", "user", "users", "events", "sessions", "serviceTokens", "token"];

/** The path as an origin server behind a proxy might finally read it. */
function originReads(url: string): string {
  let path = url.split("?")[0]!;
  for (let i = 0; i < 4; i++) {
    try {
      const decoded = decodeURIComponent(path);
      if (decoded === path) break;
      path = decoded;
    } catch {
      break;
    }
  }
  // Some origins and file systems fold Unicode compatibility forms: "／" is "/", "．．" and "‥" are "..".
  path = path
    .normalize("NFKC")
    .replace(/\\/g, "/")
    .replace(/;[^/]*/g, "")
    .replace(/\0.*$/s, "");
  const kept: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") kept.pop();
    else kept.push(segment);
  }
  return `/${kept.join("/")}${path.endsWith("/") && kept.length > 0 ? "/" : ""}`;
}

function isPublicToOrigin(path: string, patterns: string): boolean {
  return patterns.split(",").some((pattern) => (pattern.endsWith("/*") ? path.startsWith(pattern.slice(0, -1)) : path === pattern));
}

interface Target {
  name: string;
  fetcher: Fetcher;
  patterns: string;
  cookie: string | null;
}

async function probe(target: Target, path: string, method: string, ip: string, html: boolean): Promise<Outcome> {
  const headers = new Headers({ Accept: html ? "text/html" : "application/json", "CF-Connecting-IP": ip });
  if (target.cookie) headers.set("Cookie", target.cookie);
  const response = await target.fetcher(path, { method, headers, body: method === "GET" || method === "HEAD" ? undefined : "x" });
  const status = response.status;
  const resolved = new URL(`http://edge.invalid${path}`).pathname.toLowerCase();
  if (target.cookie) {
    const echo = await echoOf(response);
    const cookie = String(echo?.headers.cookie ?? "");
    return { status, authenticated: false, leaked: /(^|;\s*)(__Host-)?sesame=/.test(cookie) ? ["cookie"] : [] };
  }
  const text = await bodyText(response);
  let authenticated = false;
  let reason = "";
  try {
    const echo = JSON.parse(text) as { url?: string; headers?: Record<string, unknown> };
    if (status === 200 && typeof echo.url === "string" && echo.headers) {
      if (echo.headers["sesame-user-id"] !== undefined) [authenticated, reason] = [true, "identity at the origin"];
      else if (!isPublicToOrigin(originReads(echo.url), target.patterns))
        [authenticated, reason] = [true, `origin served ${echo.url} anonymously`];
    } else if (status < 300 && PRIVATE_KEYS.some((key) => key in (echo as object))) {
      [authenticated, reason] = [true, "private JSON answered anonymously"];
    }
  } catch {
    // Not JSON: a page, a redirect or an empty answer.
  }
  if (status < 300 && /^\/\.sesame\/(admin\/api|me)(\/|$)/.test(resolved))
    [authenticated, reason] = [true, "admin API or /me answered anonymously"];
  return { status, authenticated, note: reason };
}

describe("hostile request paths", () => {
  it("lets anonymous requests reach only what the origin reads as public, never the admin API, and never answers 5xx", async () => {
    const rng = surfaceRng("paths");
    const tally = new Tally("request paths");
    const withPublic = edgeWith({ PUBLIC_PATHS });
    const user = await makeUser("path-user");
    const { cookie } = await sessionFor(user);
    const targets: Target[] = [
      { name: "public-paths", fetcher: withPublic, patterns: PUBLIC_PATHS, cookie: null },
      { name: "public-paths", fetcher: withPublic, patterns: PUBLIC_PATHS, cookie: null },
      { name: "public-paths", fetcher: withPublic, patterns: PUBLIC_PATHS, cookie: null },
      { name: "default", fetcher: edge, patterns: env.PUBLIC_PATHS, cookie: null },
      { name: "signed-in", fetcher: withPublic, patterns: PUBLIC_PATHS, cookie },
    ];

    const logs = captureLogs();
    try {
      const inputs = [...hostilePaths(rng, INPUTS)].map((input) => ({
        ...input,
        target: rng.pick(targets),
        method: rng.pick(METHODS),
        ip: randomIp(rng),
        html: rng.chance(0.5),
      }));
      await runConcurrently(inputs, 8, async ({ kind, path, target, method, ip, html }) => {
        const outcome = await probe(target, path, method, ip, html);
        tally.input(`${target.name}:${kind}`, { target: target.name, method, path }, outcome);
      });

      // Controls: public paths pass anonymously, a session passes anywhere, the admin token opens the API.
      const controls: [string, Target, string, Record<string, string>][] = [
        ["public-static", targets[0]!, "/static/app.js", {}],
        ["public-exact", targets[0]!, "/healthz", {}],
        ["default-public", targets[3]!, "/favicon.ico", {}],
        ["signed-in", targets[4]!, "/reports/42?tab=2", {}],
        ["admin-token", targets[0]!, `${PREFIX}/admin/api/users?limit=1`, { Authorization: `Bearer ${env.ADMIN_TOKEN}` }],
      ];
      for (const [name, target, path, headers] of controls) {
        const response = await target.fetcher(path, {
          headers: { Accept: "application/json", ...headers, ...(target.cookie ? { Cookie: target.cookie } : {}) },
        });
        const echo = await echoOf(response.clone());
        const passed =
          name === "admin-token"
            ? response.status === 200
            : echo !== null && (name !== "signed-in" || echo.headers["sesame-user-id"] === user.id);
        tally.control(name, path, { status: response.status, authenticated: passed });
      }
    } finally {
      logs.restore();
    }
    tally.report(logs.lines);
  });
});
