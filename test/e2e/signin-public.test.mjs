/**
 * Sign-in for the public, end to end in Chromium against what `npm run dev` starts:
 *
 * - Turnstile: Cloudflare's widget script cannot load offline, so a stand-in is served for
 *   its URL (page.route) that draws the widget's frame and fills the hidden
 *   `cf-turnstile-response` field as the real one does; the worker checks the token at a
 *   local siteverify stand-in (test/support/siteverify-server.mjs). Form, CSP (script and
 *   frame from challenges.cloudflare.com) and the server check all run for real.
 * - Same device: the link opened in a second browser context gets the warning page
 *   (SAME_DEVICE=warn) or is refused (require), while the asking browser finishes with the code.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PASSING_SECRET, SITEVERIFY_PATH, startSiteverifyServer } from "../support/siteverify-server.mjs";
import { launchChromium, newRecordingContext } from "./support/browser.mjs";
import { clearMailbox, waitForMessage } from "./support/mailbox.mjs";
import { ROOT, startDevStack } from "./support/stack.mjs";

const DEMO_EMAIL = "demo@example.com";
const PROTECTED_PATH = "/?from=e2e-public";
const SITE_KEY = "1x00000000000000000000AA";
const TURNSTILE = "https://challenges.cloudflare.com";
const SCREENSHOTS = join(ROOT, "test-results", "e2e");
const STEP_TIMEOUT_MS = 15_000;

/**
 * What Turnstile's api.js does in implicit mode, reduced to what the edge relies on: for each
 * `.cf-turnstile` box, a challenge frame from challenges.cloudflare.com, and once it has
 * loaded, a hidden `cf-turnstile-response` input holding a fresh one-use token.
 */
const STAND_IN_WIDGET = `(function () {
  for (const box of document.querySelectorAll(".cf-turnstile")) {
    const frame = document.createElement("iframe");
    frame.title = "Widget containing a Cloudflare security challenge";
    frame.src = "${TURNSTILE}/cdn-cgi/challenge-platform/stand-in?sitekey=" + encodeURIComponent(box.dataset.sitekey);
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "cf-turnstile-response";
    frame.addEventListener("load", () => { input.value = "stand-in." + crypto.randomUUID(); });
    box.append(frame, input);
  }
})();`;

let siteverify;
let siteverifyUrl;
let browser;
const contexts = [];

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  siteverify = await startSiteverifyServer(0);
  siteverifyUrl = `http://127.0.0.1:${siteverify.address().port}`;
  browser = await launchChromium();
});

after(async () => {
  for (const { context } of contexts) await context.close().catch(() => {});
  await browser?.close();
  siteverify?.close();
});

/** A browser of its own (cookies and all), with Turnstile's URLs answered by the stand-ins. */
async function newDevice() {
  const device = await newRecordingContext(browser);
  device.context.setDefaultTimeout(STEP_TIMEOUT_MS);
  device.turnstileRequests = [];
  await device.context.route(`${TURNSTILE}/**`, (route) => {
    const url = route.request().url();
    device.turnstileRequests.push(url);
    if (url === `${TURNSTILE}/turnstile/v0/api.js`) {
      return route.fulfill({ status: 200, contentType: "text/javascript", body: STAND_IN_WIDGET });
    }
    return route.fulfill({
      status: 200,
      contentType: "text/html",
      body: "<!doctype html><title>challenge</title><p>stand-in challenge</p>",
    });
  });
  contexts.push(device);
  const page = await device.context.newPage();
  return { ...device, page };
}

/** Errors on the edge's own pages (CSP violations included); the origin's pages are not ours to judge. */
function edgeErrors(device, stack) {
  return device.errors.filter((error) => new URL(error.url, stack.publicUrl).pathname.startsWith("/.sesame/"));
}

async function tokensSeenBySiteverify(token) {
  return (await fetch(`${siteverifyUrl}/__seen?response=${encodeURIComponent(token)}`)).json();
}

/** Fills and sends the sign-in form once the widget has put its token in; returns that token. */
async function askForLink(device, stack) {
  const { page } = device;
  await page.goto(`${stack.publicUrl}${PROTECTED_PATH}`);
  assert.equal(new URL(page.url()).pathname, "/.sesame/login");
  await page.getByLabel(/email/i).fill(DEMO_EMAIL);
  const token = await widgetToken(page);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /email me/i }).click()]);
  assert.match(await page.textContent("body"), /check your email/i);
  return token;
}

async function widgetToken(page) {
  const field = page.locator('input[name="cf-turnstile-response"]');
  await page.waitForFunction(() => document.querySelector('input[name="cf-turnstile-response"]')?.value);
  return field.first().inputValue();
}

async function finishWithCode(device, code) {
  const { page } = device;
  await page.getByLabel(/code/i).fill(code);
  await widgetToken(page);
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: /sign in with the code/i }).click()]);
  await page.waitForURL((url) => url.pathname + url.search === PROTECTED_PATH);
  await page.getByText(`Hello, ${DEMO_EMAIL}`).waitFor();
}

function turnstileVars() {
  return {
    TURNSTILE_SITE_KEY: SITE_KEY,
    TURNSTILE_SECRET_KEY: PASSING_SECRET,
    TURNSTILE_VERIFY_URL: `${siteverifyUrl}${SITEVERIFY_PATH}`,
  };
}

describe("Turnstile and SAME_DEVICE=warn", () => {
  let stack;
  before(async () => {
    stack = await startDevStack({ extraVars: { ...turnstileVars(), SAME_DEVICE: "warn" } });
  });
  after(async () => stack?.stop());

  let laptop;
  let mail;

  it("draws the widget, whose frame the CSP lets in, and sends the email once siteverify passed its token", async () => {
    laptop = await newDevice();
    await clearMailbox(stack.mailboxUrl, DEMO_EMAIL);
    const token = await askForLink(laptop, stack);
    assert.ok(
      laptop.turnstileRequests.some((url) => url.endsWith("/turnstile/v0/api.js")),
      "the widget script was requested",
    );
    assert.ok(
      laptop.turnstileRequests.some((url) => url.includes("/cdn-cgi/challenge-platform/")),
      "the challenge frame was loaded",
    );
    const seen = await tokensSeenBySiteverify(token);
    assert.equal(seen.length, 1, "the edge asked siteverify about the widget's token");
    assert.equal(seen[0].secret, PASSING_SECRET);
    mail = await waitForMessage(stack.mailboxUrl, DEMO_EMAIL);
    await laptop.page.screenshot({ path: join(SCREENSHOTS, "public-01-check-email-with-widget.png"), fullPage: true });
  });

  it("shows a second browser that the link was asked for elsewhere, and offers the code there", async () => {
    const phone = await newDevice();
    const response = await phone.page.goto(mail.link);
    assert.equal(response.status(), 200);
    const body = await phone.page.textContent("body");
    assert.match(body, /opened in a different browser/);
    assert.match(body, /asked for from .+, on \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M UTC/);
    assert.match(body, /type the code from the same email into that browser/);
    await phone.page.getByRole("button", { name: `Continue as ${DEMO_EMAIL}` }).waitFor();
    await phone.page.screenshot({ path: join(SCREENSHOTS, "public-02-link-in-another-browser.png"), fullPage: true });
    assert.deepEqual(edgeErrors(phone, stack), []);
  });

  it("lets the asking browser finish with the code, through the widget on the code form", async () => {
    await finishWithCode(laptop, mail.code);
    assert.deepEqual(edgeErrors(laptop, stack), []);
  });
});

describe("SAME_DEVICE=require", () => {
  let stack;
  before(async () => {
    stack = await startDevStack({ extraVars: { ...turnstileVars(), SAME_DEVICE: "require" } });
  });
  after(async () => stack?.stop());

  it("refuses the link in a second browser while the asking browser finishes with the code", async () => {
    const laptop = await newDevice();
    await clearMailbox(stack.mailboxUrl, DEMO_EMAIL);
    await askForLink(laptop, stack);
    const mail = await waitForMessage(stack.mailboxUrl, DEMO_EMAIL);

    const phone = await newDevice();
    const response = await phone.page.goto(mail.link);
    assert.equal(response.status(), 403);
    assert.match(await phone.page.textContent("body"), /Finish signing in where you asked/);
    assert.equal(await phone.page.getByRole("button", { name: /continue as/i }).count(), 0);
    await phone.page.screenshot({ path: join(SCREENSHOTS, "public-03-link-refused-in-another-browser.png"), fullPage: true });

    await finishWithCode(laptop, mail.code);
    assert.deepEqual(edgeErrors(laptop, stack), []);
    // The refusal's own 403 is logged by Chromium as a failed load; anything else (a CSP
    // violation, a script error) is a fault.
    assert.deepEqual(
      edgeErrors(phone, stack).filter((error) => !/status of 403/.test(error.text)),
      [],
    );
  });
});
