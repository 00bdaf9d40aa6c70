/**
 * 403 for a request the app's policies refuse (docs/access.md, "Refused"): a page naming the
 * signed-in email with "use another account" and "sign out" for browsers,
 * `{"error":"forbidden"}` for everything else.
 */
import type { Config } from "../config";
import { wantsHtml } from "../http/request-info";
import { authResponseHeadersFor } from "../middleware/security-headers";
import { ForbiddenPage } from "../pages/forbidden-page";
import { siteFor } from "../pages/site";
import { GATE_ANSWER_HEADERS } from "./refuse";

export function forbiddenResponse(config: Config, request: Request, input: { email: string | null; pathAndQuery: string }): Response {
  if (wantsHtml(request)) {
    const site = siteFor(config, request);
    const page = <ForbiddenPage site={site} email={input.email} next={input.pathAndQuery} />;
    return new Response(`<!doctype html>${page}`, {
      status: 403,
      headers: {
        ...authResponseHeadersFor(config),
        "Content-Type": "text/html; charset=utf-8",
        "Content-Language": site.i18n.locale,
        Vary: "Accept-Language",
      },
    });
  }
  return new Response(JSON.stringify({ error: "forbidden", message: "This account may not open this resource." }), {
    status: 403,
    headers: { ...GATE_ANSWER_HEADERS, "Content-Type": "application/json; charset=utf-8" },
  });
}
