import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/token-service";
import { LINK_PAGE_SCRIPT } from "../src/pages/link-page";
import {
  askForLink,
  db,
  getPage,
  latestMail,
  linkFields,
  linkPath,
  makeUser,
  me,
  PREFIX,
  postForm,
  reloadUser,
  rows,
  sessionCookie,
  testConfig,
  uniqueEmail,
  workerWith,
} from "./login-helpers";

const tokenDeps = () => ({ config: testConfig(), db: db(), kv: env.REVOKED });

async function sha256Base64(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest));
}

describe("sign-in by magic link", () => {
  it("emails a link that shows a confirmation page, then a POST starts a session and redirects to next", async () => {
    const user = await makeUser();
    const asked = await askForLink(user.email, { next: "/reports/42?tab=2" });
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain("Check your email");

    const { link } = await latestMail(user.email);
    expect(link.startsWith(`http://localhost:8787${PREFIX}/link?sesame=`)).toBe(true);
    expect(new URL(link).searchParams.get("next")).toBe("/reports/42?tab=2");

    const page = await getPage(linkPath(link));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`Continue as ${user.email}`);
    // The link carries the email's language, and the form keeps it (docs/pages.md, "Languages").
    expect(html).toContain(`action="${PREFIX}/link?lang=en"`);
    expect(html).toContain('name="sesame"');
    expect(sessionCookie(page)).toBeNull();

    const redeemed = await postForm(`${PREFIX}/link`, linkFields(link));
    expect(redeemed.status).toBe(303);
    expect(redeemed.headers.get("Location")).toBe("/reports/42?tab=2");
    const cookie = sessionCookie(redeemed);
    expect(cookie).toMatch(/^sesame=/);

    const identity = await me(cookie);
    expect(identity.status).toBe(200);
    expect(await identity.json()).toMatchObject({ userId: user.id, email: user.email, amr: "link" });
    expect((await reloadUser(user.email)).lastLoginAt).not.toBeNull();
  });

  it("sets the session cookie HttpOnly, SameSite=Lax, Path=/ with Max-Age of the session's life", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const res = await postForm(`${PREFIX}/link`, linkFields((await latestMail(user.email)).link));
    const header = res.headers.getSetCookie().find((h) => h.startsWith("sesame="))!;
    expect(header).toContain("HttpOnly");
    expect(header).toContain("SameSite=Lax");
    expect(header).toContain("Path=/");
    expect(header).toContain(`Max-Age=${testConfig().session.maxAgeSeconds}`);
    // PUBLIC_URL is http://localhost in tests: no Secure, no __Host- prefix (see sessions.test.ts for https).
    expect(header).not.toContain("Secure");
  });

  it("lets mail scanners GET and HEAD the link without burning it or getting a session", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { link } = await latestMail(user.email);

    for (let i = 0; i < 3; i++) {
      const scanned = await getPage(linkPath(link));
      expect(scanned.status).toBe(200);
      expect(sessionCookie(scanned)).toBeNull();
    }
    const head = await getPage(linkPath(link), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(sessionCookie(head)).toBeNull();
    expect(await rows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toHaveLength(0);

    const redeemed = await postForm(`${PREFIX}/link`, linkFields(link));
    expect(redeemed.status).toBe(303);
    expect(sessionCookie(redeemed)).not.toBeNull();
  });

  it("shows the generic invalid page for a link used once already, on GET and on POST", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { link } = await latestMail(user.email);
    expect((await postForm(`${PREFIX}/link`, linkFields(link))).status).toBe(303);

    const view = await getPage(linkPath(link));
    expect(view.status).toBe(400);
    const viewHtml = await view.text();
    expect(viewHtml).toContain("This sign-in link cannot be used");
    expect(viewHtml).toContain("Get a new link");
    expect(viewHtml).not.toContain(user.email);

    const again = await postForm(`${PREFIX}/link`, linkFields(link));
    expect(again.status).toBe(400);
    expect(sessionCookie(again)).toBeNull();
    expect(await again.text()).toContain("This sign-in link cannot be used");
  });

  it("shows the same invalid page, byte for byte, for a used, expired, forged, malformed or missing token", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const used = linkFields((await latestMail(user.email)).link).sesame;
    await postForm(`${PREFIX}/link`, { sesame: used, next: "/" });

    const other = await makeUser();
    const expired = (await issueToken({ ...tokenDeps(), now: Date.now() - 11 * 60_000 }, other)).token;
    const valid = (await issueToken(tokenDeps(), other)).token;
    const forged = valid.slice(0, -2) + (valid.endsWith("AA") ? "BA" : "AA");

    const bodies = new Set<string>();
    for (const sesame of [used, expired, forged, "not-a-token", ""]) {
      const res = await postForm(`${PREFIX}/link`, { sesame, next: "/" });
      expect(res.status).toBe(400);
      bodies.add(await res.text());
      const view = await getPage(`${PREFIX}/link?sesame=${encodeURIComponent(sesame)}`);
      expect(view.status).toBe(400);
      bodies.add(await view.text());
    }
    expect(bodies.size).toBe(1);
  });

  it("refuses an expired link and records why in the audit log, not on the page", async () => {
    const user = await makeUser();
    const expired = (await issueToken({ ...tokenDeps(), now: Date.now() - 11 * 60_000 }, user)).token;
    const res = await postForm(`${PREFIX}/link`, { sesame: expired, next: "/" });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain("expired_");
    const events = await rows<{ reason: string }>("SELECT reason FROM auth_events WHERE event = 'link_rejected' AND user_id = ?", user.id);
    expect(events.map((e) => e.reason)).toContain("expired");
  });

  it("gives exactly one session to 20 concurrent POSTs of one link", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const fields = linkFields((await latestMail(user.email)).link);
    const results = await Promise.all(Array.from({ length: 20 }, () => postForm(`${PREFIX}/link`, fields)));
    expect(results.filter((r) => r.status === 303)).toHaveLength(1);
    expect(results.filter((r) => r.status === 400)).toHaveLength(19);
    expect(await rows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toHaveLength(1);
  });

  it("kills the code of the same email when the link is redeemed", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { link, code } = await latestMail(user.email);
    expect((await postForm(`${PREFIX}/link`, linkFields(link))).status).toBe(303);
    const byCode = await postForm(`${PREFIX}/code`, { email: user.email, code, next: "/" });
    expect(byCode.status).toBe(400);
    expect(sessionCookie(byCode)).toBeNull();
  });

  it("lets a link be redeemed again under LINK_ONE_TIME=false, each time a session, while the default refuses the second", async () => {
    const reusable = workerWith({ LINK_ONE_TIME: "false" });
    const user = await makeUser();
    expect((await askForLink(user.email, { fetcher: reusable })).status).toBe(200);
    const { link } = await latestMail(user.email, reusable);
    const cookies = [];
    for (let i = 0; i < 2; i++) {
      const res = await postForm(`${PREFIX}/link`, linkFields(link), { fetcher: reusable });
      expect(res.status, `redemption ${i + 1}`).toBe(303);
      cookies.push(sessionCookie(res));
    }
    expect(cookies[0]).not.toBe(cookies[1]);
    for (const cookie of cookies) expect((await me(cookie, reusable)).status).toBe(200);

    const oneTime = await makeUser();
    await askForLink(oneTime.email);
    const once = (await latestMail(oneTime.email)).link;
    expect((await postForm(`${PREFIX}/link`, linkFields(once))).status).toBe(303);
    expect((await postForm(`${PREFIX}/link`, linkFields(once))).status).toBe(400);
  });

  it("kills older links of the user once a newer one is redeemed", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const first = (await latestMail(user.email)).link;
    await askForLink(user.email);
    const second = (await latestMail(user.email)).link;
    expect(second).not.toBe(first);
    expect((await postForm(`${PREFIX}/link`, linkFields(second))).status).toBe(303);
    expect((await postForm(`${PREFIX}/link`, linkFields(first))).status).toBe(400);
  });

  it("refuses a link for a user deactivated after it was sent", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { link } = await latestMail(user.email);
    await env.DB.prepare("UPDATE users SET is_active = 0 WHERE id = ?").bind(user.id).run();
    expect((await getPage(linkPath(link))).status).toBe(400);
    expect((await postForm(`${PREFIX}/link`, linkFields(link))).status).toBe(400);
  });

  it("sends next through safeNext: an open redirect in the form lands on /", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { sesame } = linkFields((await latestMail(user.email)).link);
    const res = await postForm(`${PREFIX}/link`, { sesame, next: "//evil.example/" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
  });

  it("serves the confirmation page with a CSP that allows exactly its history-cleaning script", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const page = await getPage(linkPath((await latestMail(user.email)).link));
    const csp = page.headers.get("Content-Security-Policy")!;
    expect(csp).toContain(`script-src 'sha256-${await sha256Base64(LINK_PAGE_SCRIPT)}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain(`<script>${LINK_PAGE_SCRIPT}</script>`);
    expect(LINK_PAGE_SCRIPT).toContain("history.replaceState");
    expect(page.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(page.headers.get("Cache-Control")).toBe("no-store");
  });

  it("keeps the token out of the confirmation form's action URL", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const html = await (await getPage(linkPath((await latestMail(user.email)).link))).text();
    expect(html).toMatch(/<form method="post" action="\/\.sesame\/link\?lang=en">/);
  });

  it("answers an unknown email address with the same page and sends nothing", async () => {
    const email = uniqueEmail("nobody");
    const res = await askForLink(email);
    expect(res.status).toBe(200);
    expect(await rows("SELECT id FROM dev_messages WHERE to_address = ?", email)).toHaveLength(0);
    expect(await rows("SELECT id FROM login_requests WHERE email = ?", email)).toHaveLength(0);
  });
});
