/**
 * 403 for a request the app's policies refuse (docs/access.md, "Refused"): a page naming the
 * signed-in email with "use another account" and "sign out" for browsers,
 * `{"error":"forbidden"}` for everything else.
 */
import type { Config } from "../config";
import { wantsHtml } from "../http/request-info";
import { AUTH_RESPONSE_HEADERS } from "../middleware/security-headers";
import { ForbiddenPage } from "../pages/forbidden-page";
import { GATE_ANSWER_HEADERS } from "./refuse";

export function forbiddenResponse(config: Config, request: Request, input: { email: string | null; pathAndQuery: string }): Response {
  if (wantsHtml(request)) {
    const page = <ForbiddenPage appName={config.appName} prefix={config.authPrefix} email={input.email} next={input.pathAndQuery} />;
    return new Response(`<!doctype html>${page}`, {
      status: 403,
      headers: { ...AUTH_RESPONSE_HEADERS, "Content-Type": "text/html; charset=utf-8" },
    });
  }
  return new Response(JSON.stringify({ error: "forbidden", message: "This account may not open this resource." }), {
    status: 403,
    headers: { ...GATE_ANSWER_HEADERS, "Content-Type": "application/json; charset=utf-8" },
  });
}
