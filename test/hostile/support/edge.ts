/**
 * The worker under test for the hostile surfaces, called through its own default export
 * (src/index.ts: config parsed once, the app cached, the test bindings: real local D1 and
 * KV, the real echo origin).
 *
 * Why not `exports.default.fetch`: in this harness each call through it costs more than
 * the one before (3.6 ms per request for the first hundred, 21 ms by the third hundred,
 * slower still in later tests of a file, and a stack overflow after ~1,500 calls), so
 * 10,000 inputs per surface could not run. Calling the default export's fetch with the
 * same bindings runs the same code at ~0.1 ms of harness overhead per request.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApp } from "../../../src/app";
import type { TokenDeps } from "../../../src/auth/token-service";
import { type Config, getConfig, parseConfig } from "../../../src/config";
import { createDb } from "../../../src/db/client";
import type { User } from "../../../src/db/schema";
import worker from "../../../src/index";
import { createUser } from "../../../src/users/store";
import { createSession } from "../../support/sessions";
import type { Rng } from "../generators/prng";

export const EDGE = "http://localhost:8787";
export const PREFIX = "/.sesame";

export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

/** The worker under test with the test bindings. `path` may also be a whole URL. */
export const edge: Fetcher = async (path, init) => {
  const ctx = createExecutionContext();
  const request = new Request(toUrl(path), { redirect: "manual", ...init }) as Request<unknown, IncomingRequestCfProperties>;
  const response = await worker.fetch(request, env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
};

/** The same app built from other settings on top of the test bindings (createApp(parseConfig(...))). */
export function edgeWith(overrides: Record<string, string>): Fetcher & { config: Config; env: Env } {
  const modified = { ...env, ...overrides } as Env;
  const config = parseConfig(modified);
  const app = createApp(config);
  const fetcher: Fetcher = async (path, init) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(new Request(toUrl(path), { redirect: "manual", ...init }), modified, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  return Object.assign(fetcher, { config, env: modified });
}

function toUrl(path: string): string {
  return /^https?:\/\//.test(path) ? path : `${EDGE}${path}`;
}

export function testConfig(): Config {
  return getConfig(env);
}

export function tokenDeps(config: Config = testConfig(), now?: number): TokenDeps {
  return { config, db: createDb(env.DB), kv: env.REVOKED, now };
}

let counter = 0;
/** A fresh address per call: storage is shared by every test of a file. */
export function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

export async function makeUser(label: string): Promise<User> {
  const user = await createUser(createDb(env.DB), { email: uniqueEmail(label) });
  if (!user) throw new Error("could not create a user");
  return user;
}

/** A signed-in session for `user`, as the Cookie header value a browser sends back. */
export async function sessionFor(user: User, config: Config = testConfig()): Promise<{ cookie: string; jwt: string; sessionId: string }> {
  const { sessionId, setCookie } = await createSession(tokenDeps(config), { user, amr: "link", request: new Request(EDGE) });
  const cookie = setCookie.split(";")[0]!;
  return { cookie, jwt: cookie.slice(cookie.indexOf("=") + 1), sessionId };
}

/** A client address per request: per-IP rate limits would otherwise count a whole surface against one. */
export function randomIp(rng: Rng): string {
  return `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

/** The session cookie a response sets ("name=value"), or null (a clearing cookie is not a session). */
export function setSessionCookie(response: Response): string | null {
  for (const header of response.headers.getSetCookie()) {
    const pair = header.split(";")[0]!;
    if (/^(__Host-)?sesame=./.test(pair)) return pair;
  }
  return null;
}

/** What the echo origin (test/node/origin-server.ts) says reached it. */
export interface Echo {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The origin's echo, or null when the answer came from the edge itself. */
export async function echoOf(response: Response): Promise<Echo | null> {
  const text = await bodyText(response);
  if (response.status !== 200 || !(response.headers.get("Content-Type") ?? "").startsWith("application/json")) return null;
  try {
    const body = JSON.parse(text) as Partial<Echo>;
    return typeof body.url === "string" && body.headers ? (body as Echo) : null;
  } catch {
    return null;
  }
}

/**
 * The body as text, or "" when the origin dropped the connection mid-body (the Node test
 * origin closes the socket after refusing a request line over its 16 KB header limit). The
 * status the edge gave is still what the client saw first.
 */
export async function bodyText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch {
    return "";
  }
}

/** The value of a hidden form field in a page, HTML entities decoded; null when absent. */
export function hiddenField(html: string, name: string): string | null {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  return match ? decodeEntities(match[1]!) : null;
}

export function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/**
 * Takes over console.log/info/warn/error while a surface runs: the worker logs a line per
 * rejected token and audit event, and tens of thousands of them would cost more than the
 * requests. The lines are kept so a surface can check that no raw secret was ever logged.
 */
export function captureLogs(): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const originals = methods.map((name) => console[name]);
  for (const name of methods) {
    console[name] = (...args: unknown[]) => void lines.push(args.map(String).join(" "));
  }
  return {
    lines,
    restore: () => {
      methods.forEach((name, i) => {
        console[name] = originals[i]!;
      });
    },
  };
}

/**
 * Text as an HTTP header value can carry it, in ASCII: NUL, CR and LF cannot be sent at all
 * and travel percent-encoded (never dropped: dropping would turn "T\0" back into the valid
 * T), as does anything outside printable ASCII. (workerd would send non-ASCII as UTF-8, but
 * prints a warning per header; surfaces that need raw non-ASCII headers send a few directly.)
 */
export function asHeaderValue(text: string): string {
  return text.replace(/[^\t\x20-\x7e]+/g, (run) => percentEncode(run));
}

/**
 * encodeURIComponent that never throws: a lone surrogate (which no UTF-8 can carry) goes out
 * as the three bytes a careless encoder would produce (WTF-8, e.g. %ED%A0%80), which is
 * exactly the invalid UTF-8 the edge must survive.
 */
export function percentEncode(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join("");
    } else {
      out += encodeURIComponent(ch);
    }
  }
  return out;
}

/** An application/x-www-form-urlencoded body, every value encoded by percentEncode. */
export function formBody(fields: [string, string][] | Record<string, string>): string {
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields);
  return pairs.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join("&");
}

/** An admin API call with the real ADMIN_TOKEN; throws unless the status is `expected`. */
export async function adminOk<T = Record<string, unknown>>(method: string, path: string, expected: number, json?: unknown): Promise<T> {
  const response = await edge(`${PREFIX}/admin/api${path}`, {
    method,
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, Accept: "application/json", "Content-Type": "application/json" },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  if (response.status !== expected) throw new Error(`${method} ${path}: expected ${expected}, got ${response.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** A form POST as our own pages send it (same-origin), from a client address of its own. */
export function formInit(body: string | FormData, ip: string, headers: Record<string, string> = {}): RequestInit {
  const all = new Headers({ Origin: EDGE, Accept: "text/html", "CF-Connecting-IP": ip, ...headers });
  if (typeof body === "string" && !all.has("Content-Type")) all.set("Content-Type", "application/x-www-form-urlencoded");
  return { method: "POST", headers: all, body };
}
