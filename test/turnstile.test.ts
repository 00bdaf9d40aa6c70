/**
 * Turnstile on the sign-in forms (docs/security.md "Bot protection"), against the local
 * siteverify stand-in (test/support/siteverify-server.mjs) on 127.0.0.1, which answers by
 * secret key: passes, fails, another hostname, hangs, broken.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rateLimitKey } from "../src/rate-limit";
import { askForLink, latestMail, mailCount, makeUser, PREFIX, postForm, rows, uniqueEmail, workerWith } from "./login-helpers";

/** Cloudflare's documented test keys, which the stand-in honours as siteverify does. */
const SITE_KEY = "1x00000000000000000000AA";
const PASSING_SECRET = "1x0000000000000000000000000000000AA";
const FAILING_SECRET = "2x0000000000000000000000000000000AA";

const withTurnstile = (secret: string, extra: Record<string, string> = {}) =>
  workerWith({ TURNSTILE_SITE_KEY: SITE_KEY, TURNSTILE_SECRET_KEY: secret, ...extra });
const passing = withTurnstile(PASSING_SECRET);

/** A token as the widget would put it in the form: opaque, one per solved challenge. */
const freshToken = () => `stand-in.${crypto.randomUUID()}`;

async function siteverifySeen(token: string): Promise<{ secret: string; response: string; remoteip: string | null }[]> {
  const url = new URL("/__seen", (env as unknown as Record<string, string>).TURNSTILE_VERIFY_URL);
  url.searchParams.set("response", token);
  return (await fetch(url)).json();
}

async function lastTurnstileRefusal(): Promise<{ reason: string; detail: string }> {
  const [row] = await rows<{ reason: string; detail: string }>(
    "SELECT reason, detail FROM auth_events WHERE event = 'turnstile_refused' ORDER BY id DESC LIMIT 1",
  );
  return row!;
}

async function emailRateLimitRows(email: string): Promise<number> {
  const key = await rateLimitKey("login:email", email, passing.config.secrets.sesame[0]!);
  return (await rows("SELECT key FROM rate_limits WHERE key = ?", key)).length;
}

describe("Turnstile on the sign-in form", () => {
  it("carries the widget and a CSP that allows Turnstile's script and frame and nothing else", async () => {
    const res = await passing(`${PREFIX}/login`, { headers: { Accept: "text/html" } });
    const html = await res.text();
    expect(html).toContain(`<div class="cf-turnstile" data-sitekey="${SITE_KEY}" data-language="en"></div>`);
    expect(html).toContain('<script src="https://challenges.cloudflare.com/turnstile/v0/api.js" async="" defer=""></script>');
    const csp = res.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("script-src https://challenges.cloudflare.com;");
    expect(csp).toContain("frame-src https://challenges.cloudflare.com;");
    expect(csp).toContain("default-src 'none'");
    expect(csp.match(/https?:\/\/[^\s;]+/g)).toEqual(["https://challenges.cloudflare.com", "https://challenges.cloudflare.com"]);
  });

  it("shows no widget and keeps scripts and frames shut when the keys are not set", async () => {
    const res = await postForm(`${PREFIX}/login`, { email: uniqueEmail(), next: "/" });
    expect(await res.text()).not.toContain("cf-turnstile");
    const csp = res.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("script-src 'none'");
    expect(csp).not.toContain("frame-src");
    expect(csp).not.toContain("challenges.cloudflare.com");
  });

  it("sends the email when siteverify passes the token, having sent it the secret, the token and the client IP", async () => {
    const user = await makeUser();
    const token = freshToken();
    const res = await postForm(
      `${PREFIX}/login`,
      { email: user.email, next: "/", "cf-turnstile-response": token },
      { fetcher: passing, headers: { Origin: "http://localhost:8787", "CF-Connecting-IP": "203.0.113.9" } },
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("cf-turnstile");
    expect(await mailCount(user.email, passing)).toBe(1);
    expect(await siteverifySeen(token)).toEqual([{ secret: PASSING_SECRET, response: token, remoteip: "203.0.113.9" }]);
  });

  it("refuses a form without a token before looking anything up, counting anything or sending", async () => {
    const user = await makeUser();
    const res = await askForLink(user.email, { fetcher: passing });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("wait for the check below to finish");
    expect(await mailCount(user.email, passing)).toBe(0);
    expect(await emailRateLimitRows(user.email)).toBe(0);
    expect((await lastTurnstileRefusal()).reason).toBe("missing_token");
  });

  it("refuses a failed challenge with the same page for an existing and an unknown address", async () => {
    const failing = withTurnstile(FAILING_SECRET);
    const user = await makeUser();
    const stranger = uniqueEmail("stranger");
    const ask = (email: string) =>
      postForm(`${PREFIX}/login`, { email, next: "/", "cf-turnstile-response": freshToken() }, { fetcher: failing });
    const [known, unknown] = [await ask(user.email), await ask(stranger)];
    expect(known.status).toBe(403);
    expect(unknown.status).toBe(403);
    const [a, b] = [await known.text(), await unknown.text()];
    expect(a).toContain("could not confirm that a person sent this form");
    expect(a.replaceAll(user.email, "EMAIL")).toBe(b.replaceAll(stranger, "EMAIL"));
    expect(await mailCount(user.email, failing)).toBe(0);
    expect(await emailRateLimitRows(user.email)).toBe(0);
    expect(await lastTurnstileRefusal()).toMatchObject({ reason: "challenge_failed" });
    expect(JSON.parse((await lastTurnstileRefusal()).detail)).toMatchObject({ errorCodes: "invalid-input-response", form: "login" });
  });

  it("refuses a token solved on another hostname", async () => {
    const user = await makeUser();
    const res = await postForm(
      `${PREFIX}/login`,
      { email: user.email, next: "/", "cf-turnstile-response": freshToken() },
      { fetcher: withTurnstile("stand-in-other-host") },
    );
    expect(res.status).toBe(403);
    expect(await mailCount(user.email, passing)).toBe(0);
    const refusal = await lastTurnstileRefusal();
    expect(refusal.reason).toBe("wrong_hostname");
    expect(JSON.parse(refusal.detail)).toMatchObject({ hostname: "evil.example" });
  });

  it("refuses a token used a second time (siteverify's timeout-or-duplicate)", async () => {
    const user = await makeUser();
    const token = freshToken();
    const send = () => postForm(`${PREFIX}/login`, { email: user.email, next: "/", "cf-turnstile-response": token }, { fetcher: passing });
    expect((await send()).status).toBe(200);
    expect((await send()).status).toBe(403);
    expect(await mailCount(user.email, passing)).toBe(1);
  });

  it("fails closed with a clear 'try again' when siteverify hangs past TURNSTILE_TIMEOUT", async () => {
    const user = await makeUser();
    const hanging = withTurnstile("stand-in-hang", { TURNSTILE_TIMEOUT: "300" });
    const started = Date.now();
    const res = await postForm(
      `${PREFIX}/login`,
      { email: user.email, next: "/", "cf-turnstile-response": freshToken() },
      { fetcher: hanging },
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("did not answer, so nothing was done. Please try again");
    expect(await mailCount(user.email, passing)).toBe(0);
    expect((await lastTurnstileRefusal()).reason).toBe("timeout");
  });

  it("fails closed when siteverify answers an error page, or cannot be reached at all", async () => {
    const user = await makeUser();
    const broken = withTurnstile("stand-in-broken");
    const unreachable = withTurnstile(PASSING_SECRET, { TURNSTILE_VERIFY_URL: "http://127.0.0.1:9/turnstile/v0/siteverify" });
    for (const fetcher of [broken, unreachable]) {
      const res = await postForm(`${PREFIX}/login`, { email: user.email, next: "/", "cf-turnstile-response": freshToken() }, { fetcher });
      expect(res.status).toBe(503);
      expect((await lastTurnstileRefusal()).reason).toBe("unavailable");
    }
    expect(await mailCount(user.email, passing)).toBe(0);
  });
});

describe("Turnstile on the code form", () => {
  it("carries the widget on the check-your-email page and refuses a code without a passing token, taking no attempt", async () => {
    const user = await makeUser();
    const asked = await postForm(
      `${PREFIX}/login`,
      { email: user.email, next: "/", "cf-turnstile-response": freshToken() },
      { fetcher: passing },
    );
    expect(await asked.text()).toContain(`data-sitekey="${SITE_KEY}"`);
    expect(asked.headers.get("Content-Security-Policy")).toContain("frame-src https://challenges.cloudflare.com");
    const { code } = await latestMail(user.email, passing);

    const refused = await postForm(`${PREFIX}/code`, { email: user.email, code, next: "/" }, { fetcher: passing });
    expect(refused.status).toBe(400);
    expect(await lastTurnstileRefusal()).toMatchObject({ reason: "missing_token" });
    const [request] = await rows<{ attempts: number }>("SELECT attempts FROM login_requests WHERE email = ?", user.email);
    expect(request!.attempts).toBe(0);

    const signedIn = await postForm(
      `${PREFIX}/code`,
      { email: user.email, code, next: "/", "cf-turnstile-response": freshToken() },
      { fetcher: passing },
    );
    expect(signedIn.status).toBe(303);
  });
});
