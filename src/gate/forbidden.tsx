/**
 * 403 for a request the app's policies refuse (docs/access.md, "Refused"): a page naming the
 * signed-in email with "use another account" and "sign out" for browsers,
 * `{"error":"forbidden"}` for everything else.
 */
import type { Context } from "hono";
import type { CompiledApp } from "../access";
import { recordEvent } from "../audit/record-event";
import type { Config } from "../config";
import type { AppEnv } from "../env";
import { userAgent, wantsHtml } from "../http/request-info";
import { edgePageHeaders } from "../middleware/security-headers";
import { ForbiddenPage } from "../pages/forbidden-page";
import { siteFor } from "../pages/site";
import type { Principal } from "./principal";
import { GATE_ANSWER_HEADERS } from "./refuse";

/** The `access_denied` audit event of a signed-in request the app's policies refused. */
export async function recordAccessDenied(
  c: Context<AppEnv>,
  input: { app: CompiledApp; principal: Principal; policy: string | null; pathname: string; ip: string },
): Promise<void> {
  await recordEvent(c.var.db, {
    event: "access_denied",
    userId: input.principal.userId,
    reason: input.policy === null ? "no_policy" : "policy",
    ip: input.ip,
    userAgent: userAgent(c.req.raw),
    detail: { app: input.app.name, policy: input.policy, path: input.pathname.slice(0, 512), amr: input.principal.amr },
  });
}

export function forbiddenResponse(config: Config, request: Request, input: { email: string | null; pathAndQuery: string }): Response {
  if (wantsHtml(request)) {
    const site = siteFor(config, request);
    const page = <ForbiddenPage site={site} email={input.email} next={input.pathAndQuery} />;
    return new Response(`<!doctype html>${page}`, {
      status: 403,
      headers: {
        ...edgePageHeaders(config),
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
