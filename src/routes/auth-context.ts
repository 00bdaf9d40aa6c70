import type { Context } from "hono";
import type { AppEnv } from "../env";
import { type Site, siteFor } from "../pages/site";

/** The request's page context: its language (`?lang=`, Accept-Language), the brand, URLs. */
export function siteOf(c: Context<AppEnv>): Site {
  let site = c.get("site");
  if (!site) {
    site = siteFor(c.var.config, c.req.raw);
    c.set("site", site);
  }
  return site;
}

/**
 * A full HTML page response in the request's language (the auth sub-app adds the security
 * headers).
 */
export function htmlPage(c: Context<AppEnv>, page: unknown, status = 200, headers: Record<string, string> = {}): Response {
  const response = c.html(`<!doctype html>${String(page)}`, status as 200);
  response.headers.set("Content-Language", siteOf(c).i18n.locale);
  response.headers.append("Vary", "Accept-Language");
  for (const [name, value] of Object.entries(headers)) response.headers.append(name, value);
  return response;
}
