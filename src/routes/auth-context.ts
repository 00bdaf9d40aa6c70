import type { Context } from "hono";
import type { TokenDeps } from "../auth/token-service";
import type { AppEnv } from "../env";

/** What the login, session and token functions need, from the request's context. */
export function authDeps(c: Context<AppEnv>): TokenDeps {
  return { config: c.var.config, db: c.var.db, kv: c.env.REVOKED };
}

/** A full HTML page response (the auth sub-app adds the security headers). */
export function htmlPage(c: Context<AppEnv>, page: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const response = c.html(`<!doctype html>${String(page)}`, status as 200);
  for (const [name, value] of Object.entries(headers)) response.headers.append(name, value);
  return response;
}
