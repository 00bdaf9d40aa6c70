/**
 * Helpers for the browser login tests: form POSTs through the worker's own fetch (same-origin
 * by default), the dev mailbox as the inbox, cookies carried by hand, and a worker built
 * from other settings when a test needs one.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { createApp } from "../src/app";
import { type Config, getConfig } from "../src/config";
import { createDb } from "../src/db/client";
import type { User } from "../src/db/schema";
import { createUser, findUserByEmail } from "../src/users/store";

export const EDGE = "http://localhost:8787";
export const PREFIX = "/.sesame";

export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

/** The worker under test (default bindings: MAILER=dev, SIGNUP=closed). */
export const worker: Fetcher = (path, init) => exports.default.fetch(`${EDGE}${path}`, { redirect: "manual", ...init });

/**
 * The same app with other settings (or bindings, like a stand-in EMAIL) on top of the test
 * bindings, built once as the worker builds it per isolate.
 */
export function workerWith(overrides: Record<string, unknown>): Fetcher & { env: Env; config: Config } {
  const modified = { ...env, ...overrides } as Env;
  const config = getConfig(modified);
  const app = createApp(config);
  const fetcher: Fetcher = async (path, init) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${EDGE}${path}`, { redirect: "manual", ...init }), modified, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  return Object.assign(fetcher, { env: modified, config });
}

export function db() {
  return createDb(env.DB);
}

export function testConfig(): Config {
  return getConfig(env);
}

let counter = 0;
/** A fresh address per call: storage is shared by every test of a file. */
export function uniqueEmail(label = "user", domain = "example.com"): string {
  counter += 1;
  return `${label}-${counter}-${crypto.randomUUID().slice(0, 8)}@${domain}`;
}

/** A user row made directly in D1. */
export async function makeUser(email = uniqueEmail(), options: { isActive?: boolean } = {}): Promise<User> {
  const user = await createUser(db(), { email, isActive: options.isActive ?? true });
  if (!user) throw new Error(`could not create ${email}`);
  return user;
}

export async function reloadUser(email: string): Promise<User> {
  const user = await findUserByEmail(db(), email);
  if (!user) throw new Error(`no user ${email}`);
  return user;
}

export interface PostOptions {
  cookie?: string | null;
  /** Defaults to Origin: http://localhost:8787 (same-origin); pass {} to send no CSRF header. */
  headers?: Record<string, string>;
  fetcher?: Fetcher;
}

/**
 * A client address of its own for each request unless a test names one: per-IP rate limits
 * would otherwise count every request of the file against one address.
 */
export function randomIp(): string {
  const [a, b, c] = crypto.getRandomValues(new Uint8Array(3));
  return `10.${a}.${b}.${c}`;
}

/** A form POST as the browser sends it from our own pages. */
export function postForm(path: string, fields: Record<string, string>, options: PostOptions = {}): Promise<Response> {
  const headers = new Headers(options.headers ?? { Origin: EDGE });
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", randomIp());
  headers.set("Content-Type", "application/x-www-form-urlencoded");
  if (!headers.has("Accept")) headers.set("Accept", "text/html");
  if (options.cookie) headers.set("Cookie", options.cookie);
  return (options.fetcher ?? worker)(path, { method: "POST", headers, body: new URLSearchParams(fields).toString() });
}

export function getPage(path: string, options: { cookie?: string | null; fetcher?: Fetcher; method?: string } = {}): Promise<Response> {
  const headers = new Headers({ Accept: "text/html" });
  if (options.cookie) headers.set("Cookie", options.cookie);
  return (options.fetcher ?? worker)(path, { method: options.method ?? "GET", headers });
}

/** POST /login for `email`; returns the response (a page: check your email, 429 or 503). */
export function askForLink(email: string, options: PostOptions & { next?: string } = {}): Promise<Response> {
  return postForm(`${PREFIX}/login`, { email, next: options.next ?? "/" }, options);
}

export interface Mail {
  link: string;
  code: string;
  text: string;
}

/** The newest message to `email` in the dev mailbox (MAILER=dev), with its link and code. */
export async function latestMail(email: string, fetcher: Fetcher = worker): Promise<Mail> {
  const res = await fetcher(`${PREFIX}/dev/mailbox?to=${encodeURIComponent(email)}`, { headers: { Accept: "application/json" } });
  expect(res.status).toBe(200);
  const { messages } = (await res.json()) as { messages: { link: string | null; code: string | null; text: string }[] };
  const message = messages[0];
  if (!message?.link || !message.code) throw new Error(`no sign-in email for ${email}`);
  return { link: message.link, code: message.code, text: message.text };
}

export async function mailCount(email: string, fetcher: Fetcher = worker): Promise<number> {
  const res = await fetcher(`${PREFIX}/dev/mailbox?to=${encodeURIComponent(email)}`, { headers: { Accept: "application/json" } });
  return ((await res.json()) as { messages: unknown[] }).messages.length;
}

/** The link's token and next, as the confirmation form would POST them. */
export function linkFields(link: string): { sesame: string; next: string } {
  const url = new URL(link);
  return { sesame: url.searchParams.get("sesame") ?? "", next: url.searchParams.get("next") ?? "/" };
}

/** The path + query of the link on the edge. */
export function linkPath(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

/** "name=value" of the session cookie a response sets, or null. */
export function sessionCookie(res: Response): string | null {
  for (const header of res.headers.getSetCookie()) {
    const pair = header.split(";")[0]!;
    if (/^(__Host-)?sesame=/.test(pair) && !/^(__Host-)?sesame=$/.test(pair)) return pair;
  }
  return null;
}

/** Signs `email` in through the whole link flow and returns the session cookie. */
export async function signInByLink(email: string, fetcher: Fetcher = worker): Promise<string> {
  expect((await askForLink(email, { fetcher })).status).toBe(200);
  const { link } = await latestMail(email, fetcher);
  const res = await postForm(`${PREFIX}/link`, linkFields(link), { fetcher });
  expect(res.status).toBe(303);
  const cookie = sessionCookie(res);
  if (!cookie) throw new Error("no session cookie");
  return cookie;
}

/** GET /me with `cookie`. */
export function me(cookie: string | null, fetcher: Fetcher = worker): Promise<Response> {
  return fetcher(`${PREFIX}/me`, { headers: cookie ? { Cookie: cookie } : {} });
}

/** Rows of `sql` (for counting sessions, reading login requests). */
export async function rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): Promise<T[]> {
  return (
    await env.DB.prepare(sql)
      .bind(...params)
      .all<T>()
  ).results;
}
