/**
 * The admin console end to end in a real browser (docs/admin-console.md): Debian's Chromium
 * against what `npm run dev` starts, where ADMIN_EMAILS makes demo@example.com an admin.
 * The admin signs in from the console's own address and comes back to it, creates a user,
 * adds them to a group, issues and revokes a service token, ends the user's session, and
 * finds each action in the audit log. The new user, signed in, gets the 403 page; a form
 * posted from another site is refused. Screenshots of every page go to
 * test-results/e2e/console/ (docs/admin-console/ holds a copy of each).
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { findUnlabelledControls, tabUntil } from "./support/accessibility.mjs";
import { launchChromium, newRecordingContext } from "./support/browser.mjs";
import { clearMailbox, waitForMessage } from "./support/mailbox.mjs";
import { ROOT, startDevStack } from "./support/stack.mjs";

const ADMIN_EMAIL = "demo@example.com";
const NEW_EMAIL = "new-person@example.com";
const GROUP = "staff";
const SCREENSHOTS = join(ROOT, "test-results", "e2e", "console");
const STEP_TIMEOUT_MS = 15_000;
const PHONE_WIDTH = 390;

let stack;
let browser;
let admin;
let person;
let crossSite;
let userPageUrl;
const contexts = [];

async function screenshot(page, name) {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

async function newDevice() {
  const device = await newRecordingContext(browser);
  device.context.setDefaultTimeout(STEP_TIMEOUT_MS);
  contexts.push(device);
  const page = await device.context.newPage();
  return { ...device, page };
}

/** Signs in on the sign-in page the browser is on, by the emailed link, and waits until it leaves the link page. */
async function signInByLink(page, email) {
  await clearMailbox(stack.mailboxUrl, email);
  await page.getByLabel(/email/i).fill(email);
  await Promise.all([page.waitForNavigation(), page.getByLabel(/email/i).press("Enter")]);
  const message = await waitForMessage(stack.mailboxUrl, email);
  await page.goto(message.link);
  await Promise.all([page.waitForNavigation(), page.getByRole("button").first().click()]);
}

/** Submits the form of `button` and waits for the page that answers. */
async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), button.click()]);
}

/** Confirms on the confirmation page the last action led to. */
async function confirm(page, name) {
  await page
    .getByText(/cannot be undone|at once|stops working|no longer be a member/)
    .first()
    .waitFor();
  await submit(page, page.getByRole("button", { name }));
}

/** The audit log filtered by `event`, as the admin reads it: the rows' text. */
async function auditRowsOf(page, event) {
  await page.goto(`${stack.publicUrl}/.sesame/admin/events`);
  await page.getByLabel("Event").fill(event);
  await submit(page, page.getByRole("button", { name: "Filter" }));
  return page.locator("tbody tr").allTextContents();
}

async function userIdOf(email) {
  const response = await fetch(`${stack.publicUrl}/.sesame/admin/api/users/${encodeURIComponent(email)}`, {
    headers: { Authorization: `Bearer ${stack.secrets.ADMIN_TOKEN}` },
  });
  return response.status === 200 ? (await response.json()).user.id : null;
}

before(async () => {
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  stack = await startDevStack();
  browser = await launchChromium();
  // Another site: a page on 127.0.0.1 (not localhost) whose form posts to the console.
  crossSite = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(
      `<!doctype html><form method="post" action="${stack.publicUrl}/.sesame/admin/users">` +
        '<input name="email" value="planted@example.com"><input name="active" value="yes"><button>Send</button></form>',
    );
  });
  await new Promise((resolve) => crossSite.listen(0, "127.0.0.1", resolve));
});

after(async () => {
  for (const { context } of contexts) await context.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
  await new Promise((resolve) => (crossSite ? crossSite.close(resolve) : resolve()));
});

describe("an admin in the console", () => {
  it("is sent from the console to sign in, and comes back to it", async () => {
    admin = await newDevice();
    const { page } = admin;
    await page.goto(`${stack.publicUrl}/.sesame/admin/users?email=demo`);
    assert.equal(new URL(page.url()).pathname, "/.sesame/login");
    await signInByLink(page, ADMIN_EMAIL);
    const url = new URL(page.url());
    assert.equal(url.pathname + url.search, "/.sesame/admin/users?email=demo");
    await page.getByRole("link", { name: ADMIN_EMAIL }).waitFor();
  });

  it("searches the users with the keyboard alone", async () => {
    const { page } = admin;
    await page.goto(`${stack.publicUrl}/.sesame/admin/users`);
    const presses = await tabUntil(page, () => document.activeElement?.id === "search", 20);
    assert.ok(presses <= 20);
    await page.keyboard.type("demo");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.equal(new URL(page.url()).searchParams.get("email"), "demo");
    await page.getByRole("link", { name: ADMIN_EMAIL }).waitFor();
    assert.deepEqual(await findUnlabelledControls(page), []);
    await screenshot(page, "users");
  });

  it("creates a user", async () => {
    const { page } = admin;
    await page.getByLabel("Email address").fill(NEW_EMAIL);
    await page.getByLabel("Name (optional)").fill("New Person");
    await submit(page, page.getByRole("button", { name: "Create user" }));
    await page.getByText("The user was created.").waitFor();
    userPageUrl = page.url().replace(/\?.*/, "");
    assert.match(userPageUrl, /\/\.sesame\/admin\/users\/[0-9a-f-]{36}$/);
    assert.ok(await userIdOf(NEW_EMAIL));
  });

  it("creates a group and adds the user to it", async () => {
    const { page } = admin;
    await page.goto(`${stack.publicUrl}/.sesame/admin/groups`);
    await page.getByLabel(/^Name/).fill(GROUP);
    await submit(page, page.getByRole("button", { name: "Create group" }));
    await page.getByText("The group was created.").waitFor();
    await page.getByLabel("Email address or user id").fill(NEW_EMAIL);
    await submit(page, page.getByRole("button", { name: "Add member" }));
    await page.getByRole("link", { name: NEW_EMAIL }).waitFor();
    assert.deepEqual(await findUnlabelledControls(page), []);
    await screenshot(page, "group");
    await page.goto(`${stack.publicUrl}/.sesame/admin/groups`);
    await screenshot(page, "groups");
  });

  it("issues a service token, shown once, that the gate accepts", async () => {
    const { page } = admin;
    await page.goto(userPageUrl);
    await page.getByLabel("Token name").fill("ci-deploy");
    await page.getByLabel("Lifetime in days", { exact: true }).first().fill("30");
    await submit(page, page.getByRole("button", { name: "Issue token" }));
    const token = (await page.getByLabel("Token", { exact: true }).inputValue()).trim();
    assert.match(token, /^[A-Za-z0-9_-]{40,}$/);
    await screenshot(page, "token-issued");
    const response = await fetch(`${stack.publicUrl}/`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(response.status, 200);
    admin.token = token;
  });

  it("revokes the service token after a confirmation, and the gate refuses it", async () => {
    const { page } = admin;
    await page.goto(userPageUrl);
    await submit(page, page.getByRole("button", { name: "Revoke ci-deploy" }));
    await screenshot(page, "confirm");
    await confirm(page, "Revoke");
    await page.getByText("The service token was revoked.").waitFor();
    const response = await fetch(`${stack.publicUrl}/`, { headers: { Authorization: `Bearer ${admin.token}` } });
    assert.equal(response.status, 401);
  });
});

describe("the new user", () => {
  it("signs in, and gets the 403 page at the console", async () => {
    person = await newDevice();
    const { page } = person;
    await page.goto(`${stack.publicUrl}/.sesame/admin`);
    await signInByLink(page, NEW_EMAIL);
    const response = await page.goto(`${stack.publicUrl}/.sesame/admin/users`);
    assert.equal(response.status(), 403);
    await page.getByText(NEW_EMAIL).first().waitFor();
    assert.equal(await page.getByRole("button", { name: "Create user" }).count(), 0);
    await screenshot(page, "forbidden");
  });

  it("is signed out everywhere once the admin ends the session", async () => {
    const { page } = admin;
    await page.goto(userPageUrl);
    await page
      .getByRole("button", { name: /^End the session/ })
      .first()
      .waitFor();
    await screenshot(page, "user");
    await submit(page, page.getByRole("button", { name: /^End the session/ }).first());
    await confirm(page, "End session");
    await page.getByText("The session was ended.").waitFor();
    const response = await person.page.goto(`${stack.publicUrl}/.sesame/me`);
    assert.equal(response.status(), 401);
  });
});

describe("the audit log", () => {
  it("shows each of the admin's actions", async () => {
    const { page } = admin;
    const userId = await userIdOf(NEW_EMAIL);
    for (const event of ["user_created", "group_member_added", "service_token_issued", "service_token_revoked", "session_revoked"]) {
      const rows = await auditRowsOf(page, event);
      assert.ok(
        rows.some((row) => row.includes(event) && row.includes(userId)),
        `${event} for ${userId} in ${JSON.stringify(rows)}`,
      );
    }
    await page.goto(`${stack.publicUrl}/.sesame/admin/events`);
    await screenshot(page, "audit-log");
  });

  it("names the acting admin in an event's detail", async () => {
    const { page } = admin;
    await auditRowsOf(page, "user_created");
    await submit(page, page.locator("tbody tr a").first());
    const adminId = await userIdOf(ADMIN_EMAIL);
    await page.locator(`a[href$="/users/${adminId}"]`).first().waitFor();
    await screenshot(page, "event");
  });
});

describe("the other pages", () => {
  it("answers an access check", async () => {
    const { page } = admin;
    await page.goto(`${stack.publicUrl}/.sesame/admin/access`);
    await page.getByLabel(/^Email/).fill(NEW_EMAIL);
    await page.getByLabel("URL").fill(`${stack.publicUrl}/reports/1`);
    await submit(page, page.getByRole("button", { name: "Check" }));
    await page.getByText("allow", { exact: true }).waitFor();
    assert.deepEqual(await findUnlabelledControls(page), []);
    await screenshot(page, "access-check");
  });

  it("shows the settings without any secret", async () => {
    const { page } = admin;
    await page.goto(`${stack.publicUrl}/.sesame/admin/settings`);
    const text = await page.textContent("body");
    for (const secret of [stack.secrets.SESAME_SECRET, stack.secrets.ADMIN_TOKEN]) assert.ok(!text.includes(secret));
    await screenshot(page, "settings");
  });

  it("reads at 390 px wide: nothing wider than the screen but the tables' own scroll areas", async () => {
    const phone = await newDevice();
    await phone.context.addCookies(await admin.context.cookies(stack.publicUrl));
    await phone.page.setViewportSize({ width: PHONE_WIDTH, height: 844 });
    for (const path of ["/users", new URL(userPageUrl).pathname.replace("/.sesame/admin", ""), "/groups", "/events", "/settings"]) {
      await phone.page.goto(`${stack.publicUrl}/.sesame/admin${path}`);
      const width = await phone.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= PHONE_WIDTH, `${path} is ${width} px wide`);
    }
    await phone.page.goto(userPageUrl);
    await screenshot(phone.page, "user-390px");
  });
});

describe("a form on another site", () => {
  it("is refused, and creates nothing", async () => {
    const { page } = admin;
    const { port } = crossSite.address();
    await page.goto(`http://127.0.0.1:${port}/`);
    const [response] = await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Send" }).click()]);
    assert.equal(response.status(), 403);
    assert.equal(await userIdOf("planted@example.com"), null);
  });

  it("showed no console errors on the console's pages", () => {
    for (const { errors } of contexts) {
      const own = errors.filter((error) => new URL(error.url, stack.publicUrl).pathname.startsWith("/.sesame/admin"));
      // The refused cross-site POST is logged by Chromium as a failed resource: that one is expected.
      assert.deepEqual(
        own.filter((error) => !/403/.test(error.text)),
        [],
      );
    }
  });
});
