/** Helpers for the admin API tests: requests through the worker's own fetch, with the real admin token. */
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { TokenDeps } from "../src/auth/token-service";
import { getConfig } from "../src/config";
import { createDb } from "../src/db/client";

export const ADMIN_BASE = "http://localhost:8787/.sesame/admin/api";

export interface AdminRequest {
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  /** Sent verbatim (for malformed bodies); Content-Type application/json unless `headers` say otherwise. */
  raw?: string;
  headers?: Record<string, string>;
  /** Override the Authorization header; null sends none. */
  authorization?: string | null;
}

/** Calls the admin API as an operator holding ADMIN_TOKEN. */
export function admin(method: string, path: string, request: AdminRequest = {}): Promise<Response> {
  const headers = new Headers({ Accept: "application/json", ...request.headers });
  const authorization = request.authorization === undefined ? `Bearer ${env.ADMIN_TOKEN}` : request.authorization;
  if (authorization !== null) headers.set("Authorization", authorization);
  let body: string | undefined;
  if (request.json !== undefined || request.raw !== undefined) {
    body = request.raw ?? JSON.stringify(request.json);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  return exports.default.fetch(`${ADMIN_BASE}${path}`, { method, headers, body });
}

/** An admin call expected to succeed with `status`; returns the parsed JSON body. */
// biome-ignore lint/suspicious/noExplicitAny: by default a test reads any field of the body and its assertions check the shape
export async function adminOk<T = Record<string, any>>(method: string, path: string, status: number, request?: AdminRequest): Promise<T> {
  const res = await admin(method, path, request);
  const text = await res.text();
  if (res.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

let counter = 0;
/** A fresh address per call: storage is shared by every test of a file. */
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${counter}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

export interface UserJson {
  id: string;
  email: string;
  name: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

/** Creates a user through the API and returns its JSON. */
export async function createUserViaApi(fields: { email?: string; name?: string; active?: boolean } = {}): Promise<UserJson> {
  const body = await adminOk<{ user: UserJson }>("POST", "/users", 201, { json: { email: uniqueEmail(), ...fields } });
  return body.user;
}

/** What token-service needs, built from the same bindings the worker under test uses. */
export function tokenDeps(): TokenDeps {
  return { config: getConfig(env), db: createDb(env.DB), kv: env.REVOKED };
}

/** A 400/404/409 error body as the API renders it. */
export async function expectError(
  res: Response,
  status: number,
  field?: string,
): Promise<{ error: string; message: string; field?: string }> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  const body = JSON.parse(text);
  if (field !== undefined) expect(body.field, text).toBe(field);
  expect(typeof body.error).toBe("string");
  expect(typeof body.message).toBe("string");
  return body;
}
