import { d1OutageOf, describeError } from "../db/errors";
import { AppError, ConfigError, ServiceUnavailableError } from "../errors";
import { AUTH_RESPONSE_HEADERS } from "../middleware/security-headers";
import { ErrorPage } from "../pages/error-page";
import { wantsHtml } from "./request-info";

const TITLES: Record<number, string> = {
  400: "That request was not valid",
  401: "Please sign in",
  403: "Not allowed",
  404: "Page not found",
  409: "Already exists",
  413: "That request was too large",
  429: "Too many attempts",
  500: "Something went wrong",
  502: "The application is not answering",
  503: "Temporarily unavailable",
  504: "The application took too long",
};

/**
 * Turns any error into a response: AppErrors keep their status and safe message; D1 being
 * unreachable (wherever in a handler it surfaced) is a 503 "try again shortly"; anything
 * else is logged and becomes a bare 500 that reveals nothing. HTML for browsers, JSON
 * (`{error, message, field?}`) for everyone else; always no-store.
 */
export function errorResponse(error: unknown, request: Request, site: { appName: string; prefix: string }): Response {
  const outage = error instanceof AppError ? null : d1OutageOf(error);
  const known = error instanceof AppError ? error : outage ? new ServiceUnavailableError() : null;
  if (error instanceof ConfigError) {
    console.error(JSON.stringify({ level: "error", msg: "config_invalid", problems: error.problems }));
  } else if (outage) {
    // D1's own words only: drizzle's wrapper would add the query and its parameters (emails).
    console.error(JSON.stringify({ level: "error", msg: "storage_unavailable", store: "d1", error: describeError(outage) }));
  } else if (!known) {
    console.error(JSON.stringify({ level: "error", msg: "unhandled_error", error: describeError(error) }));
  }
  const status = known?.status ?? 500;
  const code = known?.code ?? "internal_error";
  const message = known?.message ?? "Something went wrong on our side. Please try again.";
  const headers = new Headers({ ...AUTH_RESPONSE_HEADERS, ...(known?.headers ?? {}) });

  if (wantsHtml(request)) {
    headers.set("Content-Type", "text/html; charset=utf-8");
    const page = (
      <ErrorPage
        appName={site.appName}
        prefix={site.prefix}
        title={TITLES[status] ?? "Something went wrong"}
        message={message}
        action={status === 401 || status === 429 || status === 503 ? { href: `${site.prefix}/login`, label: "Back to sign in" } : undefined}
      />
    );
    return new Response(`<!doctype html>${page}`, { status, headers });
  }
  headers.set("Content-Type", "application/json; charset=utf-8");
  const body: Record<string, string> = { error: code, message };
  // Present whenever set: "" is a field name too (a JSON body can hold the key "").
  if (known?.field !== undefined) body.field = known.field;
  return new Response(JSON.stringify(body), { status, headers });
}
