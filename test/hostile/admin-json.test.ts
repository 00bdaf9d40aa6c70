/**
 * Surface 6: JSON bodies on every admin endpoint that reads one, with the real ADMIN_TOKEN,
 * and a share of requests with a hostile admin credential (near misses of the token, other
 * schemes, our own tokens and cookies). Bad input must be a 400 naming the field, never a
 * 500; nothing may pollute prototypes or store an address or name the readers refuse.
 */
import { env } from "cloudflare:workers";
import { describe, it } from "vitest";
import { issueToken } from "../../src/auth/token-service";
import type { User } from "../../src/db/schema";
import { type JsonInput, jsonBodies } from "./generators/json-bodies";
import { ALPHABETS, type Rng, surfaceRng } from "./generators/prng";
import { asHeaderValue, captureLogs, edge, makeUser, PREFIX, sessionFor, tokenDeps, uniqueEmail } from "./support/edge";
import { type Outcome, runConcurrently, Tally } from "./support/tally";

const INPUTS = 10_400;
const PLAIN_ADDRESS = /^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

interface Endpoint {
  method: string;
  path: (user: User) => string;
  keys: readonly string[];
}

const ENDPOINTS: Endpoint[] = [
  { method: "POST", path: () => "/users", keys: ["email", "name", "active"] },
  { method: "PATCH", path: (u) => `/users/${u.id}`, keys: ["email", "name", "active"] },
  { method: "POST", path: (u) => `/users/${u.id}/tokens`, keys: ["scope", "maxAge", "oneTime"] },
  { method: "POST", path: (u) => `/users/${u.id}/revoke-tokens`, keys: [] },
  { method: "POST", path: () => "/tokens/revoke", keys: ["token"] },
  { method: "POST", path: (u) => `/users/${u.id}/service-tokens`, keys: ["name", "maxAge"] },
  { method: "POST", path: (u) => `/users/${u.id}/share-links`, keys: ["path", "maxAge", "methods"] },
  { method: "POST", path: (u) => `/users/${u.id}/sessions/revoke`, keys: ["sessionId"] },
];

/** Authorization values that are not the admin token, however close. */
function hostileCredential(rng: Rng, ours: { service: string; session: string; login: string }): string {
  const token = env.ADMIN_TOKEN;
  const at = rng.int(0, token.length - 1);
  return rng.pick([
    `Bearer ${token.slice(0, -1)}`,
    `Bearer ${token}x`,
    `Bearer ${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`,
    `Bearer ${token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase()}`,
    `Basic ${btoa(`admin:${token}`)}`,
    `Token ${token}`,
    `Bearer`,
    "",
    `Bearer ${btoa(token)}`,
    `Bearer ${encodeURIComponent(token).replace(/[A-Za-z]/, (c) => `%${c.charCodeAt(0).toString(16)}`)}`,
    `Bearer a, Bearer ${token}`,
    `Bearer ${ours.service}`,
    `Bearer ${ours.session}`,
    `Bearer ${ours.login}`,
    `Bearer ${rng.string(ALPHABETS.base64url, token.length)}`,
    `Bearer ${token.slice(0, 8)}`,
  ]);
}

/** The admin middleware's reading of Authorization, after HTTP trims the value: "Bearer " then the token. */
function presents(header: string): string | null {
  const value = header.replace(/^[ \t]+|[ \t]+$/g, "");
  return value.startsWith("Bearer ") ? value.slice(7).trim() : null;
}

async function probe(endpoint: Endpoint, user: User, input: JsonInput, authorization: string): Promise<Outcome> {
  const headers = new Headers({ Accept: "application/json", Authorization: asHeaderValue(authorization) });
  if (input.contentType !== null) headers.set("Content-Type", input.contentType);
  const response = await edge(`${PREFIX}/admin/api${endpoint.path(user)}`, { method: endpoint.method, headers, body: input.body });
  const text = await response.text();
  let problem: string | null = null;
  if (response.status >= 400) {
    let body: { error?: unknown; field?: unknown } | null = null;
    try {
      body = JSON.parse(text) as { error?: unknown; field?: unknown };
    } catch {
      problem = `a ${response.status} that is not JSON`;
    }
    if (response.status === 400 && body && typeof body.field !== "string") problem = "a 400 that names no field";
  }
  return { status: response.status, authenticated: response.status !== 401, problem };
}

describe("hostile admin JSON", () => {
  it("answers every body with a 2xx or a 4xx naming the field, lets no other credential in, and pollutes nothing", async () => {
    const rng = surfaceRng("admin-json");
    const tally = new Tally("admin API JSON");
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).join(",");
    const users = await Promise.all(Array.from({ length: 12 }, () => makeUser("admin-fuzz")));
    const holder = users[0]!;
    const ours = {
      service: (await issueToken(tokenDeps(), holder, { scope: "api", maxAge: 3600 })).token,
      session: (await sessionFor(holder)).jwt,
      login: (await issueToken(tokenDeps(), holder)).token,
    };

    const logs = captureLogs();
    try {
      // Drawn as the lanes pull them (the same draws in the same order as drawing them all
      // first): about 1% of bodies are 1 MiB, and holding all 10,400 at once is what the
      // worker never has to do.
      function* inputs() {
        for (let i = 0; i < INPUTS; i++) {
          const endpoint = rng.pick(ENDPOINTS);
          yield {
            endpoint,
            user: rng.pick(users),
            hostileAuth: rng.chance(0.1) ? hostileCredential(rng, ours) : null,
            body: jsonBodies(rng, endpoint.keys, 1).next().value!,
          };
        }
      }
      await runConcurrently(inputs(), 8, async ({ endpoint, user, hostileAuth, body }) => {
        const authorization = hostileAuth ?? `Bearer ${env.ADMIN_TOKEN}`;
        const outcome = await probe(endpoint, user, body, authorization);
        const kind = `${endpoint.method} ${endpoint.path({ id: ":user" } as User)}:${hostileAuth === null ? body.kind : "hostile-credential"}`;
        const shown = {
          authorization: hostileAuth === null ? "(admin token)" : hostileAuth.replace(env.ADMIN_TOKEN, "(admin token)"),
          body: typeof body.body === "string" ? body.body : `bytes ${[...body.body].slice(0, 40)}`,
          contentType: body.contentType,
        };
        if (hostileAuth === null) tally.input(kind, shown, { ...outcome, authenticated: false });
        else tally.input(kind, shown, outcome, { sameCredential: presents(hostileAuth) === env.ADMIN_TOKEN });
      });

      // Controls: a plain, valid request on each endpoint succeeds with the admin token (on a
      // user the run has not touched: it may have deactivated or renamed any of its own).
      const target = await makeUser("admin-control");
      const valid: [Endpoint, unknown][] = [
        [ENDPOINTS[0]!, { email: uniqueEmail("admin-control"), name: "Ann" }],
        [ENDPOINTS[1]!, { name: "Renamed" }],
        [ENDPOINTS[2]!, { scope: "path:/reports/*", maxAge: 3600 }],
        // Before revoke-tokens, which would kill this token first.
        [ENDPOINTS[4]!, { token: (await issueToken(tokenDeps(), target, { oneTime: false })).token }],
        [ENDPOINTS[3]!, {}],
        [ENDPOINTS[5]!, { name: "ci" }],
        [ENDPOINTS[6]!, { path: "/docs/*" }],
        [ENDPOINTS[7]!, {}],
      ];
      for (const [endpoint, body] of valid) {
        const outcome = await probe(
          endpoint,
          target,
          { kind: "valid", body: JSON.stringify(body), contentType: "application/json" },
          `Bearer ${env.ADMIN_TOKEN}`,
        );
        tally.control(`${endpoint.method} ${endpoint.path({ id: ":user" } as User)}`, body, {
          ...outcome,
          authenticated: outcome.status >= 200 && outcome.status < 300,
        });
      }
    } finally {
      logs.restore();
    }

    if (Object.getOwnPropertyNames(Object.prototype).join(",") !== prototypeBefore || ({} as Record<string, unknown>).admin !== undefined) {
      tally.flag("prototype", Object.getOwnPropertyNames(Object.prototype), "Object.prototype changed");
    }
    const { results } = await env.DB.prepare("SELECT email, name FROM users").all<{ email: string; name: string }>();
    for (const row of results) {
      if (!PLAIN_ADDRESS.test(row.email)) tally.flag("stored-email", row.email, "a user was stored with an address the readers refuse");
      if (/\p{Cc}/u.test(row.name)) tally.flag("stored-name", row.name, "a user was stored with a control character in the name");
    }
    console.info(`[hostile] admin API JSON: ${results.length} users in the table after the run, every address and name checked`);
    tally.report(logs.lines);
  });
});
