/**
 * One sign-in for several apps, in a real browser (docs/access.md, "One sign-in for every app"):
 * Debian's Chromium against `npm run dev`'s demo apps on *.localhost (scripts/lib/demo-apps.mjs),
 * which Chromium resolves to this machine. A person signs in once on the wiki, opens the tools
 * app without another email, is refused on its admin area, is added to the group with the CLI,
 * signs in again and is let in, then signs out on the tools app and is signed out of the wiki
 * too. A handoff URL taken from one browser signs nobody in in another.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { launchChromium, newRecordingContext } from "./support/browser.mjs";
import { clearMailbox, waitForMessage } from "./support/mailbox.mjs";
import { ROOT, startDevStack } from "./support/stack.mjs";

const DEMO_EMAIL = "demo@example.com";
const SCREENSHOTS = join(ROOT, "test-results", "e2e", "apps");
const STEP_TIMEOUT_MS = 15_000;

let stack;
let browser;
/** The demo apps' URLs (http://wiki.localhost:PORT/ and http://tools.localhost:PORT/). */
let wiki;
let tools;
const contexts = [];
/** The edge's style on the auth host's sign-in page, which the app hosts' pages must match. */
let authHostStyle;

async function screenshot(page, name) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

async function newDevice() {
  const device = await newRecordingContext(browser);
  device.context.setDefaultTimeout(STEP_TIMEOUT_MS);
  contexts.push(device);
  const page = await device.context.newPage();
  return { ...device, page };
}

/** Messages to the demo user in the dev mailbox right now. */
async function mailCount() {
  const response = await fetch(`${stack.mailboxUrl}?to=${encodeURIComponent(DEMO_EMAIL)}`, { headers: { Accept: "application/json" } });
  return (await response.json()).messages.length;
}

/** Asserts the page is the auth host's sign-in page (never an app host's). */
async function assertOnAuthHostSignIn(page) {
  const url = new URL(page.url());
  assert.equal(url.origin, stack.publicUrl, `expected the auth host, got ${page.url()}`);
  assert.equal(url.pathname, "/.sesame/login");
  await page.getByLabel(/email/i).waitFor();
}

/** From the auth host's sign-in page: ask for the email, open its link, confirm; the last response. */
async function signInByLink(page) {
  await assertOnAuthHostSignIn(page);
  await clearMailbox(stack.mailboxUrl, DEMO_EMAIL);
  await page.getByLabel(/email/i).fill(DEMO_EMAIL);
  await Promise.all([page.waitForNavigation(), page.getByLabel(/email/i).press("Enter")]);
  const message = await waitForMessage(stack.mailboxUrl, DEMO_EMAIL);
  await page.goto(message.link);
  const [response] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: `Continue as ${DEMO_EMAIL}` }).click()]);
  return response;
}

/** Asserts the origin greets the demo user at `url` (an app's URL plus a path). */
async function assertGreetedAt(page, url) {
  await page.waitForURL(url);
  await page.getByText(`Hello, ${DEMO_EMAIL}`).waitFor();
}

/** What the edge's stylesheet sets on a page: the card around the content, the page's font and background. */
function edgeStyleOf(page) {
  return page.evaluate(() => {
    const body = getComputedStyle(document.body);
    const main = getComputedStyle(document.querySelector("main"));
    return { font: body.fontFamily, background: body.backgroundColor, card: main.maxWidth, radius: main.borderRadius };
  });
}

/** Console errors on pages of `origin` about its stylesheet (a 404, or a CSP refusal). */
function stylesheetErrors(errors, origin) {
  return errors.filter(
    (error) => error.url.startsWith(origin) && /style\.css|style-src|stylesheet/i.test(`${error.resource} ${error.text}`),
  );
}

/** The session cookies this browser holds for `origin`'s host itself (the app host's or the auth host's). */
async function sessionCookies(context, origin) {
  const host = new URL(origin).hostname;
  return (await context.cookies(origin)).filter((cookie) => /^(__Host-)?sesame$/.test(cookie.name) && cookie.domain === host);
}

/**
 * Opens `url` and stops the navigation at the handoff back to the app host, unused: the
 * URL a browser was sent (Chromium's DevTools Fetch domain sees every redirect of a
 * navigation, which Playwright's routing does not).
 */
async function captureHandoffUrl(page, url) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("Fetch.enable", { patterns: [{ urlPattern: "*/.sesame/handoff?code=*", requestStage: "Request" }] });
    const captured = new Promise((resolve) => {
      cdp.on("Fetch.requestPaused", ({ requestId, request }) => {
        resolve(request.url);
        cdp.send("Fetch.failRequest", { requestId, errorReason: "Aborted" }).catch(() => {});
      });
    });
    await page.goto(url).catch(() => {});
    return await captured;
  } finally {
    await cdp.detach();
  }
}

/** `npm run admin -- ...` against the test's stack (the token in the environment, as docs/cli.md advises). */
async function admin(...args) {
  const { stdout } = await promisify(execFile)(process.execPath, [join(ROOT, "scripts", "admin.mjs"), ...args], {
    cwd: ROOT,
    env: { ...process.env, SESAME_URL: stack.publicUrl, ADMIN_TOKEN: stack.secrets.ADMIN_TOKEN },
  });
  return stdout;
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startDevStack({ demoApps: true });
  const url = (name) => stack.apps.find((app) => app.name === name)?.url;
  [wiki, tools] = [url("wiki"), url("tools")];
  assert.ok(wiki && tools, `the demo apps: ${JSON.stringify(stack.apps)}`);
  browser = await launchChromium();
});

after(async () => {
  for (const { context } of contexts) await context.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
});

describe("one sign-in for the demo apps of npm run dev", () => {
  let device;

  it("serves the demo apps on *.localhost names of the dev port", () => {
    assert.equal(new URL(wiki).hostname, "wiki.localhost");
    assert.equal(new URL(tools).hostname, "tools.localhost");
    assert.equal(new URL(wiki).port, new URL(stack.publicUrl).port);
  });

  it("signs in on the wiki through the auth host's sign-in page and comes back to the wiki", async () => {
    device = await newDevice();
    await device.page.goto(`${wiki}?from=e2e`);
    await screenshot(device.page, "01-sign-in-on-the-auth-host");
    authHostStyle = await edgeStyleOf(device.page);
    assert.equal(authHostStyle.card, "416px", "the auth host's page is styled (main is a 26rem card)");
    await signInByLink(device.page);
    await assertGreetedAt(device.page, `${wiki}?from=e2e`);
    await screenshot(device.page, "02-wiki");
    assert.equal((await sessionCookies(device.context, wiki)).length, 1, "a session cookie on the wiki's host");
  });

  it("opens the tools app without another email", async () => {
    await clearMailbox(stack.mailboxUrl, DEMO_EMAIL);
    await device.page.goto(tools);
    await assertGreetedAt(device.page, tools);
    await screenshot(device.page, "03-tools");
    assert.equal(await mailCount(), 0, "no email was asked for");
  });

  it("is refused on the tools app's admin area with the 403 page naming the account", async () => {
    const response = await device.page.goto(`${tools}admin/`);
    assert.equal(response.status(), 403);
    await device.page.getByRole("heading", { name: /may not open this page/i }).waitFor();
    await device.page.getByText(DEMO_EMAIL).first().waitFor();
    await screenshot(device.page, "04-tools-admin-refused");
    assert.deepEqual(await edgeStyleOf(device.page), authHostStyle, "the 403 page on the app host looks like the auth host's pages");
    assert.deepEqual(stylesheetErrors(device.errors, new URL(tools).origin), []);
  });

  it("is let in after the CLI adds the account to the group and it signs in again", async () => {
    assert.match(await admin("groups", "add-member", "tools-admins", DEMO_EMAIL), /tools-admins/);
    const { page } = device;
    // "Use another account" signs out everywhere, so the sign-in page does not hand the same session back.
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /use another account/i }).click()]);
    await page.waitForURL((url) => url.pathname === "/.sesame/login");
    const response = await signInByLink(page);
    assert.equal(response.url(), `${tools}admin/`);
    assert.equal(response.status(), 200);
    await assertGreetedAt(page, `${tools}admin/`);
    await screenshot(page, "05-tools-admin-let-in");
  });

  it("refuses, in another browser, a handoff URL that this one was sent", async () => {
    const { page, context } = device;
    // The wiki's cookie is from before "use another account": without it, the wiki hands off again.
    await context.clearCookies({ domain: "wiki.localhost" });
    const handoffUrl = await captureHandoffUrl(page, wiki);
    assert.equal(new URL(handoffUrl).origin, new URL(wiki).origin);
    assert.equal(new URL(handoffUrl).pathname, "/.sesame/handoff");

    const other = await newDevice();
    const refused = await other.page.goto(handoffUrl);
    assert.equal(refused.status(), 400);
    await other.page.getByRole("heading", { name: /sign-in not completed/i }).waitFor();
    await screenshot(other.page, "06-handoff-in-another-browser");
    assert.deepEqual(await edgeStyleOf(other.page), authHostStyle, "the refused handoff's page is styled");
    assert.deepEqual(await sessionCookies(other.context, wiki), [], "no session on the wiki for the other browser");
    await other.page.goto(wiki);
    await assertOnAuthHostSignIn(other.page);

    // The browser the code was meant for signs in to the wiki as usual, with a new code.
    await page.goto(wiki);
    await assertGreetedAt(page, wiki);
  });

  it("signs out on the tools app and is then signed out of the wiki too", async () => {
    const { page } = device;
    await page.goto(tools);
    await assertGreetedAt(page, tools);
    await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /sign out/i }).click()]);
    assert.equal(new URL(page.url()).origin, new URL(tools).origin);
    await screenshot(page, "07-signed-out-on-tools");
    assert.equal(new URL(page.url()).pathname, "/.sesame/logout");
    assert.deepEqual(await edgeStyleOf(page), authHostStyle, "the signed-out page on the app host is styled");
    await page.goto(wiki);
    await assertOnAuthHostSignIn(page);
    await screenshot(page, "08-wiki-after-sign-out");
  });

  it("showed no stylesheet errors on any host", () => {
    for (const { errors } of contexts)
      for (const origin of [wiki, tools, stack.publicUrl]) assert.deepEqual(stylesheetErrors(errors, new URL(origin).origin), []);
  });
});
