/**
 * The OpenID provider in a real browser (docs/oidc.md): Debian's Chromium against what
 * `npm run dev` starts, with a relying party on 127.0.0.1 that only records what reaches it.
 * The pages' CSP `form-action` is checked by Chromium on every redirect that follows a form, so
 * a sign-in or a confirmed sign-out whose redirects end on the app must still get there.
 */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, describe, it } from "node:test";
import { freshOidcSigningKeys } from "../../scripts/keys.mjs";
import { launchChromium, newRecordingContext } from "./support/browser.mjs";
import { clearMailbox, waitForMessage } from "./support/mailbox.mjs";
import { startDevStack } from "./support/stack.mjs";

const DEMO_EMAIL = "demo@example.com";
const STEP_TIMEOUT_MS = 15_000;

let stack;
let browser;
let rp;
let rpOrigin;
let clientId;

before(async () => {
  rp = createServer((request, response) => {
    response.writeHead(200, { "Content-Type": "text/plain" });
    response.end(`relying party: ${request.url}`);
  });
  await new Promise((resolve) => rp.listen(0, "127.0.0.1", resolve));
  rpOrigin = `http://127.0.0.1:${rp.address().port}`;
  stack = await startDevStack({ extraVars: { OIDC_SIGNING_KEYS: JSON.stringify(await freshOidcSigningKeys()) } });
  const registered = await fetch(`${stack.publicUrl}/.sesame/admin/api/clients`, {
    method: "POST",
    headers: { Authorization: `Bearer ${stack.secrets.ADMIN_TOKEN}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({
      name: "Browser RP",
      type: "confidential",
      redirectUris: [`${rpOrigin}/callback`],
      postLogoutRedirectUris: [`${rpOrigin}/signed-out`],
    }),
  });
  assert.equal(registered.status, 201, await registered.clone().text());
  clientId = (await registered.json()).client.clientId;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  rp?.close();
});

describe("a browser that signs in on the way to an app", () => {
  it("lands on the app's redirect URI with a code after confirming the link, and after a confirmed sign-out on its post-logout URI", async () => {
    const { context } = await newRecordingContext(browser);
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    const authorize = new URL(`${stack.publicUrl}/.sesame/oidc/authorize`);
    for (const [name, value] of Object.entries({
      client_id: clientId,
      redirect_uri: `${rpOrigin}/callback`,
      response_type: "code",
      scope: "openid email",
      state: "st-1",
    })) {
      authorize.searchParams.set(name, value);
    }
    await page.goto(authorize.href);
    assert.equal(new URL(page.url()).pathname, "/.sesame/login");
    await clearMailbox(stack.mailboxUrl, DEMO_EMAIL);
    await page.getByLabel(/email/i).fill(DEMO_EMAIL);
    await Promise.all([page.waitForNavigation(), page.getByLabel(/email/i).press("Enter")]);
    const message = await waitForMessage(stack.mailboxUrl, DEMO_EMAIL);
    await page.goto(message.link);
    await page.getByRole("button", { name: `Continue as ${DEMO_EMAIL}` }).click();
    await page.waitForURL((url) => url.origin === rpOrigin);
    const callback = new URL(page.url());
    assert.equal(callback.pathname, "/callback");
    assert.match(callback.searchParams.get("code") ?? "", /^[A-Za-z0-9_-]{43}$/);
    assert.equal(callback.searchParams.get("state"), "st-1");

    const logout = new URL(`${stack.publicUrl}/.sesame/oidc/logout`);
    logout.searchParams.set("client_id", clientId);
    logout.searchParams.set("post_logout_redirect_uri", `${rpOrigin}/signed-out`);
    logout.searchParams.set("state", "st-2");
    await page.goto(logout.href);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL((url) => url.origin === rpOrigin);
    assert.equal(page.url(), `${rpOrigin}/signed-out?state=st-2`);
    const me = await page.request.get(`${stack.publicUrl}/.sesame/me`, { headers: { Accept: "application/json" } });
    assert.equal(me.status(), 401);
    await context.close();
  });
});
