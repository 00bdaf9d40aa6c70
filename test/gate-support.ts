/** Helpers for the gate tests: requests through the worker's own fetch, and a worker built from other settings. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { hostnameOf } from "../src/access";
import { createApp } from "../src/app";
import { getConfig } from "../src/config";
import { createDb } from "../src/db/client";
import type { User } from "../src/db/schema";
import { continueSessionOnHost } from "../src/sessions";
import { findUserById } from "../src/users/store";
import { adminOk, createUserViaApi, type UserJson } from "./admin-client";
import { createSession } from "./support/sessions";

export const EDGE = "http://localhost:8787";
/** The echo origin the test run starts (test/node/origin-server.ts) on a free loopback port. */
export const ORIGIN: string = env.ORIGIN_URL;

/** What the echo origin reports it received. */
export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  bodyBytes: number;
}

/** A request to the worker under test, at `path` on the edge. Redirects are returned, not followed. */
export function gate(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(`${EDGE}${path}`, { redirect: "manual", ...init });
}

/** Reads an echo, failing with the body when the answer is not one. */
export async function echoOf(res: Response): Promise<Echo> {
  const text = await res.text();
  if (res.status !== 200) throw new Error(`expected the origin's echo (200), got ${res.status}: ${text}`);
  return JSON.parse(text) as Echo;
}

export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

/**
 * The same app with other settings on top of the test bindings, built once (config parsed
 * once), as the worker builds it per isolate.
 */
export function workerWith(overrides: Record<string, string>, bindings: Partial<Env> = {}): Fetcher & { env: Env } {
  const modified = { ...env, ...overrides, ...bindings } as Env;
  const app = createApp(getConfig(modified));
  const fetcher = async (path: string, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${EDGE}${path}`, { redirect: "manual", ...init }), modified, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return Object.assign(fetcher, { env: modified });
}

/** A fresh user with a fresh service token, through the admin API. */
export async function userWithServiceToken(name = "ci"): Promise<{ user: UserJson; id: string; token: string }> {
  const user = await createUserViaApi();
  const issued = await adminOk<{ id: string; token: string }>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name } });
  return { user, id: issued.id, token: issued.token };
}

/** A D1 binding that counts the statements prepared through it (drizzle prepares one per query). */
export function countingD1(d1: D1Database): { binding: D1Database; count: () => number; reset: () => void } {
  let prepared = 0;
  const binding = new Proxy(d1, {
    get(target, property) {
      if (property === "prepare") {
        return (query: string) => {
          prepared += 1;
          return target.prepare(query);
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    binding,
    count: () => prepared,
    reset: () => {
      prepared = 0;
    },
  };
}

/** KV's read operations: each call is one read (list included: it is billed and rate-limited as one). */
const KV_READS = new Set<PropertyKey>(["get", "getWithMetadata", "list"]);

/** A KV binding that counts the reads made through it (get, getWithMetadata, list), and the keys they named. */
export function countingKV(kv: KVNamespace): { binding: KVNamespace; count: () => number; keysRead: () => string[]; reset: () => void } {
  let reads = 0;
  let keys: string[] = [];
  const binding = new Proxy(kv, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      if (!KV_READS.has(property)) return value.bind(target);
      return (...args: unknown[]) => {
        reads += 1;
        const named = args[0];
        if (typeof named === "string") keys.push(named);
        else if (Array.isArray(named)) keys.push(...named.map(String));
        return value.apply(target, args);
      };
    },
  });
  const reset = () => {
    reads = 0;
    keys = [];
  };
  return { binding, count: () => reads, keysRead: () => [...keys], reset };
}

/** What token-service and the session functions need, from the bindings the worker under test uses. */
export function deps() {
  return { config: getConfig(env), db: createDb(env.DB), kv: env.REVOKED };
}

/** A fresh user with a signed-in session; `cookie` is the Cookie header value a browser would send. */
export async function userWithSession(amr: "link" | "code" = "link"): Promise<{ user: User; sessionId: string; cookie: string }> {
  const created = await createUserViaApi();
  const user = (await findUserById(createDb(env.DB), created.id))!;
  const { sessionId, setCookie } = await createSession(deps(), { user, amr, request: new Request(EDGE) });
  return { user, sessionId, cookie: cookieFrom(setCookie) };
}

/**
 * The Cookie header a browser sends to the app host of `url` once the cross-host sign-in
 * (docs/access.md) carried session `sessionId` there: the same session, minted for that host,
 * carrying the groups that `config`'s policies name.
 */
export async function cookieOnHost(sessionId: string, url: string, config = deps().config): Promise<string> {
  const setCookie = await continueSessionOnHost({ ...deps(), config }, sessionId, hostnameOf(new URL(url).host));
  if (!setCookie) throw new Error(`session ${sessionId} is not live`);
  return cookieFrom(setCookie);
}

/** The `name=value` pair of a Set-Cookie value, as a browser would send it back. */
export function cookieFrom(setCookie: string): string {
  return setCookie.split(";")[0]!;
}

/** A fresh private ES256 JWK, as `npm run keys` makes them. */
export async function newSigningKey(kid: string): Promise<JsonWebKey & { kid: string }> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, kid, alg: "ES256" } as JsonWebKey & { kid: string };
}
