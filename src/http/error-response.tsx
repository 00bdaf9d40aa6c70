import type { Config } from "../config";
import { d1OutageOf, describeError } from "../db/errors";
import { AppError, BadRequestError, ConfigError, ServiceUnavailableError } from "../errors";
import type { PlainMessageKey } from "../i18n";
import { authResponseHeadersFor } from "../middleware/security-headers";
import { backToSignIn, ErrorPage } from "../pages/error-page";
import { fallbackSite, siteFor } from "../pages/site";
import { wantsHtml } from "./request-info";

type TitleKey = Extract<PlainMessageKey, `error.title.${number}`>;
const TITLED_STATUSES = new Set([400, 401, 403, 404, 409, 413, 429, 500, 502, 503, 504]);

/**
 * What a browser reads for each error code, in its language. The JSON answer keeps the
 * error's own English message: scripts read the code, people read the page. A code
 * missing here shows the generic message of its status (in English: the error's own text).
 */
const MESSAGES: Record<string, PlainMessageKey> = {
  invalid_request: "error.invalidRequest",
  unauthenticated: "error.unauthenticated",
  forbidden: "error.forbidden",
  cross_site_request: "error.crossSite",
  not_found: "error.notFound",
  conflict: "error.conflict",
  rate_limited: "error.rateLimited",
  internal_error: "error.internal",
  misconfigured: "error.misconfigured",
  unavailable: "error.unavailable",
  origin_unreachable: "error.originUnreachable",
  origin_timeout: "error.originTimeout",
  logout_incomplete: "error.logoutIncomplete",
  payload_too_large: "error.payloadTooLarge",
  dev_mailbox_token: "error.devMailboxToken",
};
const STATUS_MESSAGES: Record<number, PlainMessageKey> = {
  400: "error.invalidRequest",
  401: "error.unauthenticated",
  403: "error.forbidden",
  404: "error.notFound",
  409: "error.conflict",
  413: "error.payloadTooLarge",
  429: "error.rateLimited",
  502: "error.originUnreachable",
  503: "error.unavailable",
  504: "error.originTimeout",
};

/**
 * Turns any error into a response: AppErrors keep their status and safe message; D1 being
 * unreachable (wherever in a handler it surfaced) is a 503 "try again shortly"; anything
 * else is logged and becomes a bare 500 that reveals nothing. HTML for browsers, in their
 * language (src/i18n/), JSON (`{error, message, field?}`) for everyone else; always
 * no-store. `config` is null when the configuration itself is invalid.
 */
export function errorResponse(error: unknown, request: Request, config: Config | null): Response {
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
  const headers = new Headers({ ...authResponseHeadersFor(config), ...(known?.headers ?? {}) });

  if (wantsHtml(request)) {
    const site = config ? siteFor(config, request) : fallbackSite(request);
    const { t, locale } = site.i18n;
    const key = (known instanceof BadRequestError ? known.pageMessage : undefined) ?? MESSAGES[code];
    const text = key ? t(key) : locale === "en" && known ? message : t(STATUS_MESSAGES[status] ?? "error.internal");
    const title = t(TITLED_STATUSES.has(status) ? (`error.title.${status}` as TitleKey) : "error.title.500");
    headers.set("Content-Type", "text/html; charset=utf-8");
    headers.set("Content-Language", locale);
    const page = (
      <ErrorPage
        site={site}
        title={title}
        message={text}
        action={status === 401 || status === 429 || status === 503 ? backToSignIn(site) : undefined}
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
