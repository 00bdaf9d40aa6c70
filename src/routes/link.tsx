/**
 * The magic link. GET (and HEAD) only shows "Continue as ..." and consumes nothing, so mail
 * scanners that fetch links cannot burn them or get a session; POST consumes the token
 * atomically and starts the session. Every unusable link gets the same page.
 */
import { type Context, Hono } from "hono";
import { auditTokenHash, recordEvent } from "../audit/record-event";
import { recordFailureEvent } from "../audit/record-failure";
import type { Config } from "../config";
import { type AppEnv, authDeps } from "../env";
import { clientIp, userAgent } from "../http/request-info";
import { safeNext } from "../http/safe-next";
import { readForm } from "../login/form";
import { redeemLink } from "../login/redeem";
import { judgeLinkDevice, judgeSameDevice } from "../login/same-device";
import { checkLinkToken } from "../login/signup-token";
import { contentSecurityPolicy, sitePolicy } from "../middleware/security-headers";
import { LinkConfirmPage, LinkInvalidPage, linkPageScriptHash } from "../pages/link-page";
import { OtherBrowserPage } from "../pages/other-browser-page";
import { issueSessionCookie } from "../sessions";
import { MAX_TOKEN_CHARS } from "../tokens/format";
import { htmlPage, siteOf } from "./auth-context";
import { MAX_NEXT_FIELD } from "./login";

export function linkRoutes(config: Config) {
  const app = new Hono<AppEnv>();

  const invalidLink = async (
    c: Context<AppEnv>,
    next: string,
    failure: { reason: string; userId?: string | null; tokenHash?: string },
    stage: string,
  ) => {
    // Anyone can send bad links at will: bounded per client (src/audit/record-failure.ts).
    await recordFailureEvent(
      { config, db: c.var.db },
      {
        event: "link_rejected",
        userId: failure.userId ?? null,
        reason: failure.reason,
        ip: clientIp(c.req.raw),
        userAgent: userAgent(c.req.raw),
        detail: { stage, tokenHash: auditTokenHash(failure.tokenHash) },
      },
    );
    return htmlPage(c, <LinkInvalidPage site={siteOf(c)} next={next} />, 400);
  };

  const otherBrowser = (c: Context<AppEnv>, detail: { stage: string; refused: boolean; userId: string | null }) =>
    recordEvent(c.var.db, {
      event: "link_other_browser",
      userId: detail.userId,
      reason: detail.refused ? "same_device_required" : "same_device_warned",
      ip: clientIp(c.req.raw),
      userAgent: userAgent(c.req.raw),
      detail: { stage: detail.stage },
    });

  // Hono answers HEAD with this handler's headers and no body: still nothing consumed.
  app.get("/link", async function showLinkConfirmation(c) {
    const token = c.req.query("sesame") ?? "";
    const next = safeNext(c.req.query("next"), config.authPrefix);
    // One D1 round trip: the user (or pending request) with the request the link was emailed for.
    const check = await checkLinkToken(authDeps(c), token);
    if (!check.ok) return invalidLink(c, next, { ...check, tokenHash: check.token?.hash }, "view");
    const email = check.kind === "user" ? check.user.email : check.request.email;
    const headers = {
      "Content-Security-Policy": contentSecurityPolicy({ ...sitePolicy(config), scriptHashes: [await linkPageScriptHash()] }),
    };
    const device = await judgeSameDevice(config, check.loginRequest, c.req.raw);
    if (device.verdict === "other") {
      const required = config.sameDevice === "require";
      await otherBrowser(c, { stage: "view", refused: required, userId: check.kind === "user" ? check.user.id : null });
      return htmlPage(
        c,
        <OtherBrowserPage site={siteOf(c)} {...device} next={next} continueAs={required ? undefined : { email, token }} />,
        required ? 403 : 200,
        headers,
      );
    }
    return htmlPage(c, <LinkConfirmPage site={siteOf(c)} email={email} token={token} next={next} />, 200, headers);
  });

  app.post("/link", async function redeemMagicLink(c) {
    const form = await readForm(c.req.raw);
    const token = form("sesame", MAX_TOKEN_CHARS);
    const next = safeNext(form("next", MAX_NEXT_FIELD), config.authPrefix);
    const deps = authDeps(c);
    // Two D1 round trips when it works: the check (as for GET), then the batch that signs in.
    const check = await checkLinkToken(deps, token);
    // A link that no longer works is judged by its request too: another browser under
    // SAME_DEVICE=require learns that, not whether the link still works.
    const device = check.ok ? await judgeSameDevice(config, check.loginRequest, c.req.raw) : await judgeLinkDevice(c.var, token, c.req.raw);
    if (device.verdict === "other" && config.sameDevice === "require") {
      // Nothing consumed: the asking browser can still use this link or its code.
      await otherBrowser(c, { stage: "redeem", refused: true, userId: null });
      return htmlPage(c, <OtherBrowserPage site={siteOf(c)} {...device} next={next} />, 403, {
        "Content-Security-Policy": contentSecurityPolicy({ ...sitePolicy(config), scriptHashes: [await linkPageScriptHash()] }),
      });
    }
    if (!check.ok) return invalidLink(c, next, { ...check, tokenHash: check.token?.hash }, "redeem");
    const tokenHash = auditTokenHash(check.token.hash);
    const result = await redeemLink(deps, check, c.req.raw, (userId, newUser) => ({
      event: "link_redeemed",
      userId,
      ip: clientIp(c.req.raw),
      userAgent: userAgent(c.req.raw),
      detail: { newUser, tokenHash, sameDevice: device.verdict },
    }));
    if (!result.ok) return invalidLink(c, next, { ...result, tokenHash: check.token.hash }, "redeem");
    const session = await issueSessionCookie(deps, result.session, result.user.email, result.groupRows);
    return c.body(null, 303, { Location: next, "Set-Cookie": session.setCookie });
  });

  return app;
}
