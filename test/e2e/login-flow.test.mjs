/**
 * End to end in a real browser: Debian's Chromium against what `npm run dev` starts
 * (wrangler dev with the dev mailer, examples/origin), on spare ports with fresh state.
 * A person signs in by magic link, a second device signs in by code, then logs out; a third
 * opens a share link, and a fourth posts the shared page's form through a link issued for POST. The sign-in and share tokens never stay in the address bar or history.
 * Screenshots of every step go to test-results/e2e/.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { contrastOf, findUnlabelledControls, MIN_CONTRAST, tabUntil } from "./support/accessibility.mjs";
import { launchChromium, newRecordingContext } from "./support/browser.mjs";
import { clearMailbox, waitForMessage } from "./support/mailbox.mjs";
import { ROOT, startDevStack } from "./support/stack.mjs";

const DEMO_EMAIL = "demo@example.com";
/** A protected page with a query string, so the round trip through login must keep both. */
const PROTECTED_PATH = "/?from=e2e";
const SCREENSHOTS = join(ROOT, "test-results", "e2e");
const STEP_TIMEOUT_MS = 15_000;

let stack;
let browser;
const contexts = [];
const startedAt = Date.now();

async function screenshot(page, name) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Errors on the edge's own pages (login, code, link, logout); the origin's pages are not ours to judge. */
function loginPageErrors(errors) {
  return errors.filter((error) => new URL(error.url, stack.publicUrl).pathname.startsWith("/.sesame/"));
}

async function newDevice() {
  const device = await newRecordingContext(browser);
  device.context.setDefaultTimeout(STEP_TIMEOUT_MS);
  contexts.push(device);
  const page = await device.context.newPage();
  return { ...device, page };
}

/** Asserts the page is the sign-in page, reached by a redirect that remembers where we were going. */
async function assertOnLoginPage(page) {
  const url = new URL(page.url());
  assert.equal(url.pathname, "/.sesame/login", `expected the sign-in page, got ${page.url()}`);
  assert.equal(url.searchParams.get("next"), PROTECTED_PATH);
  await page.getByLabel(/email/i).waitFor();
}

/** The address bar and every URL of this tab's history, as Chromium records them (DevTools protocol). */
async function historyOf(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { entries } = await cdp.send("Page.getNavigationHistory");
    return { href: await page.evaluate(() => location.href), entries: entries.map((entry) => entry.url) };
  } finally {
    await cdp.detach();
  }
}

/** Asserts that no token (`sesame=` in a query) is left in the address bar or the history. */
async function assertNoTokenInHistory(page) {
  const { href, entries } = await historyOf(page);
  assert.doesNotMatch(href, /[?&]sesame=/, "the address bar");
  assert.ok(entries.length > 0);
  for (const url of entries) assert.doesNotMatch(url, /[?&]sesame=/, `a history entry: ${url}`);
  return { href, entries };
}

async function assertSignedInOnProtectedPage(page) {
  await page.waitForURL((url) => url.pathname + url.search === PROTECTED_PATH);
  await page.getByText(`Hello, ${DEMO_EMAIL}`).waitFor();
}

before(async () => {
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const stackStarted = Date.now();
  stack = await startDevStack();
  console.log(`# local stack ready in ${((Date.now() - stackStarted) / 1000).toFixed(1)} s at ${stack.publicUrl}`);
  browser = await launchChromium();
});

after(async () => {
  for (const { context } of contexts) await context.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
  console.log(`# e2e run took ${((Date.now() - startedAt) / 1000).toFixed(1)} s; screenshots in test-results/e2e/`);
});

describe("signing in with the magic link", () => {
  let device;

  it("redirects a visit to a protected page to the sign-in page", async () => {
    device = await newDevice();
    await clearMailbox(stack.mailboxUrl, DEMO_EMAIL);
    await device.page.goto(`${stack.publicUrl}${PROTECTED_PATH}`);
    await assertOnLoginPage(device.page);
    await screenshot(device.page, "01-login-page");
  });

  it("labels every input on the sign-in page", async () => {
    assert.deepEqual(await findUnlabelledControls(device.page), []);
  });

  it("draws body text and the button with a contrast of at least 4.5:1", async () => {
    for (const selector of ["body", "main p, main label, body p", "button, input[type=submit]"]) {
      const result = await contrastOf(device.page, selector);
      assert.ok(!result.missing, `nothing matches ${selector}`);
      assert.ok(
        result.ratio >= MIN_CONTRAST,
        `${selector}: ${result.color} on ${result.background} is ${result.ratio.toFixed(2)}:1, below ${MIN_CONTRAST}:1`,
      );
    }
  });

  it("asks for the link with the keyboard alone: Tab to the email field, type, Enter", async () => {
    const { page } = device;
    const presses = await tabUntil(page, () => document.activeElement?.matches?.("input[type=email], input[name=email]") ?? false);
    assert.ok(presses <= 15);
    await page.keyboard.type(DEMO_EMAIL);
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.match(await page.textContent("body"), /check your (email|inbox)/i);
    await screenshot(page, "02-check-your-email");
  });

  it("opens the link from the dev mailbox and shows a confirmation that does not sign in by itself", async () => {
    const message = await waitForMessage(stack.mailboxUrl, DEMO_EMAIL);
    assert.ok(message.link, "the email holds a link");
    assert.equal(new URL(message.link).origin, stack.publicUrl);
    const { page } = device;
    await page.goto(message.link);
    assert.equal(new URL(page.url()).pathname, "/.sesame/link");
    await page.getByText(DEMO_EMAIL).first().waitFor();
    await screenshot(page, "03-confirm-link");
    // Merely opening the link (what a mail scanner does) gives no session.
    const cookies = await device.context.cookies(stack.publicUrl);
    // The attempt cookie (SAME_DEVICE) is there since the email was asked for; a session is not.
    assert.equal(cookies.filter((cookie) => /^(__Host-)?sesame$/.test(cookie.name)).length, 0, "no session before confirming");
  });

  it("takes the token out of the address bar and the history as soon as the confirmation page loads", async () => {
    const { href, entries } = await assertNoTokenInHistory(device.page);
    assert.equal(new URL(href).pathname, "/.sesame/link");
    assert.ok(
      entries.some((url) => new URL(url).pathname === "/.sesame/link"),
      "the confirmation page is in the history, without its token",
    );
  });

  it("confirms and lands on the original page, greeted by the origin", async () => {
    const { page } = device;
    await Promise.all([page.waitForNavigation(), page.getByRole("button").first().click()]);
    await assertSignedInOnProtectedPage(page);
    await screenshot(page, "04-signed-in-by-link");
    await assertNoTokenInHistory(page);
  });

  it("logs out, after which the protected page redirects to sign-in again", async () => {
    const { page } = device;
    await logOut(page);
    await screenshot(page, "05-logged-out");
    await page.goto(`${stack.publicUrl}${PROTECTED_PATH}`);
    await assertOnLoginPage(page);
    await screenshot(page, "06-protected-page-after-logout");
  });

  it("showed no console errors on the sign-in pages", () => {
    assert.deepEqual(loginPageErrors(device.errors), []);
  });
});

describe("signing in with the code, on a second device", () => {
  let device;

  it("asks for a link from a fresh browser and types the code from the email", async () => {
    device = await newDevice();
    const { page } = device;
    await clearMailbox(stack.mailboxUrl, DEMO_EMAIL);
    await page.goto(`${stack.publicUrl}${PROTECTED_PATH}`);
    await assertOnLoginPage(page);
    await page.getByLabel(/email/i).fill(DEMO_EMAIL);
    await Promise.all([page.waitForNavigation(), page.getByLabel(/email/i).press("Enter")]);

    assert.deepEqual(await findUnlabelledControls(page), [], "every input on the code page has a label");

    const message = await waitForMessage(stack.mailboxUrl, DEMO_EMAIL);
    assert.match(message.code ?? "", /^\d{6,10}$/, "the email holds a code");
    const codeField = page.getByLabel(/code/i);
    await codeField.fill(message.code);
    await screenshot(page, "07-code-typed");
    await Promise.all([page.waitForNavigation(), codeField.press("Enter")]);
    await assertSignedInOnProtectedPage(page);
    await screenshot(page, "08-signed-in-by-code");
  });

  it("logs out, after which the protected page redirects to sign-in again", async () => {
    const { page } = device;
    await logOut(page);
    await page.goto(`${stack.publicUrl}${PROTECTED_PATH}`);
    await assertOnLoginPage(page);
  });

  it("showed no console errors on the sign-in pages", () => {
    for (const { errors } of contexts) assert.deepEqual(loginPageErrors(errors), []);
  });
});

describe("opening a share link, on a third device", () => {
  it("lands on the shared page at its clean URL: the token in neither the address bar nor the history", async () => {
    const response = await fetch(`${stack.publicUrl}/.sesame/admin/api/users/${encodeURIComponent(DEMO_EMAIL)}/share-links`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.secrets.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ path: "/reports/42" }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    const { url } = await response.json();
    assert.match(url, /\/reports\/42\?sesame=/);
    const { page } = await newDevice();
    // Another parameter beside the token keeps its place once the token is gone.
    await page.goto(url.replace("?", "?view=full&"));
    await page.getByText(DEMO_EMAIL).first().waitFor();
    await screenshot(page, "09-shared-page");
    const { href } = await assertNoTokenInHistory(page);
    assert.equal(href, `${stack.publicUrl}/reports/42?view=full`);
  });
});

describe("share links and a form, on a fourth device", () => {
  /** A share link for /forms/* as DEMO_EMAIL, issued through the admin API with `extra` fields. */
  async function issueFormsLink(extra) {
    const response = await fetch(`${stack.publicUrl}/.sesame/admin/api/users/${encodeURIComponent(DEMO_EMAIL)}/share-links`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.secrets.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ path: "/forms/*", ...extra }),
    });
    assert.equal(response.status, 201, await response.clone().text());
    return (await response.json()).url;
  }

  /** Opens `link` in a fresh browser, then submits a form on the shared page to /forms/7; returns the POST's answer. */
  async function postFromSharedPage(link) {
    const { page } = await newDevice();
    await page.goto(link);
    await page.getByText(DEMO_EMAIL).first().waitFor();
    const posted = page.waitForResponse((res) => res.request().method() === "POST");
    await page.evaluate(() => {
      const form = document.createElement("form");
      form.method = "POST";
      form.action = "/forms/7";
      const field = document.createElement("input");
      field.name = "answer";
      field.value = "yes";
      form.append(field);
      document.body.append(form);
      form.submit();
    });
    const answer = await posted;
    return { page, answer, headers: await answer.request().allHeaders(), body: await answer.text() };
  }

  it("lets the shared page's own form post through a link issued for POST, with the link's identity", async () => {
    const { page, answer, headers, body } = await postFromSharedPage(await issueFormsLink({ methods: ["POST"] }));
    // The origin's page says Referrer-Policy: no-referrer, so Chromium sends `Origin: null`, and
    // `Sec-Fetch-Site: same-origin`, which is what the gate's same-origin check then believes.
    assert.equal(headers.origin, "null");
    assert.equal(headers["sec-fetch-site"], "same-origin");
    assert.equal(answer.status(), 200, `the form's POST was answered ${answer.status()}: ${body.slice(0, 200)}`);
    // The origin verified the assertion and lists its claims: the link's user and scope, with its methods.
    assert.match(body, new RegExp(DEMO_EMAIL));
    assert.match(body, /path:\/forms\/\* POST/);
    await page.waitForURL((url) => url.pathname === "/forms/7");
    await screenshot(page, "10-share-link-form-posted");
  });

  it("refuses the same form through a link issued for reading only", async () => {
    const { answer, headers } = await postFromSharedPage(await issueFormsLink({}));
    assert.equal(headers["sec-fetch-site"], "same-origin");
    assert.equal(answer.status(), 401);
  });
});

/**
 * Logs out the way a page would: a same-origin form POST to /.sesame/logout (the origin
 * page's own sign-out button when it has one).
 */
async function logOut(page) {
  const button = page.getByRole("button", { name: /sign out|log out/i });
  if ((await button.count()) > 0) {
    await Promise.all([page.waitForNavigation(), button.first().click()]);
    return;
  }
  await Promise.all([
    page.waitForNavigation(),
    page.evaluate(() => {
      const form = document.createElement("form");
      form.method = "POST";
      form.action = "/.sesame/logout";
      document.body.append(form);
      form.submit();
    }),
  ]);
}
