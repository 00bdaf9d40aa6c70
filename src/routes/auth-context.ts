import type { Context } from "hono";
import type { AppEnv } from "../env";

/** A full HTML page response (the auth sub-app adds the security headers). */
export function htmlPage(c: Context<AppEnv>, page: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const response = c.html(`<!doctype html>${String(page)}`, status as 200);
  for (const [name, value] of Object.entries(headers)) response.headers.append(name, value);
  return response;
}
