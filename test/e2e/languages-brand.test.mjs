/**
 * A German browser signs in end to end against the local stack, with a brand colour that
 * needs adjusting for contrast (yellow): German pages, a German email in the dev mailbox,
 * and WCAG AA contrast measured in Chromium on every page of the flow and in the email, in
 * light and in dark mode (docs/pages.md, "Brand").
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { contrastOf, MIN_CONTRAST } from "./support/accessibility.mjs";
import { launchChromium, newRecordingContext } from "./support/browser.mjs";
import { clearMailbox, waitForMessage } from "./support/mailbox.mjs";
import { startDevStack } from "./support/stack.mjs";

const DEMO_EMAIL = "demo@example.com";
const PROTECTED_PATH = "/?from=de";
const LOGO_URL = "https://brand.example/logo.svg";
const LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#ffd400"/></svg>';
const BRAND = { BRAND_COLOR: "#ffd400", BRAND_LOGO_URL: LOGO_URL, SUPPORT_EMAIL: "help@example.com" };
/** What every page of the flow draws as text, each checked where present. */
const TEXT_SELECTORS = ["h1", "main p", "p.lead", "label", "button", "a.button", "main a:not(.button)", "p.error", "small"];

let stack;
let browser;
const contexts = [];

before(async () => {
  stack = await startDevStack({ extraVars: BRAND });
  browser = await launchChromium();
});

after(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
});

async function germanBrowser(colorScheme) {
  const { context, errors } = await newRecordingContext(browser, { locale: "de-DE", colorScheme });
  context.setDefaultTimeout(15_000);
  // The logo's https address never leaves the machine: the browser answers it.
  await context.route(LOGO_URL, (route) => route.fulfill({ body: LOGO_SVG, contentType: "image/svg+xml" }));
  contexts.push(context);
  return { page: await context.newPage(), errors };
}

/** Every selector that matches something on the page meets 4.5:1; returns how many were measured. */
async function assertContrast(page, where) {
  let measured = 0;
  for (const selector of TEXT_SELECTORS) {
    const result = await contrastOf(page, selector);
    if (result.missing) continue;
    measured += 1;
    assert.ok(
      result.ratio >= MIN_CONTRAST,
      `${where}, ${selector}: ${result.color} on ${result.background} is ${result.ratio.toFixed(2)}:1, below ${MIN_CONTRAST}:1`,
    );
  }
  assert.ok(measured >= 3, `${where}: only ${measured} text elements measured`);
  return measured;
}

for (const colorScheme of ["light", "dark"]) {
  describe(`a German browser signs in, ${colorScheme} mode`, () => {
    let device;
    let message;

    it("is sent to a German sign-in page without asking for it", async () => {
      device = await germanBrowser(colorScheme);
      await clearMailbox(stack.mailboxUrl, DEMO_EMAIL);
      await device.page.goto(`${stack.publicUrl}${PROTECTED_PATH}`);
      const url = new URL(device.page.url());
      assert.equal(url.pathname, "/.sesame/login");
      assert.equal(url.searchParams.get("lang"), null, "Accept-Language alone chose German");
      assert.equal(await device.page.getAttribute("html", "lang"), "de");
      await device.page.getByRole("heading", { name: "Bei sesame-edge anmelden" }).waitFor();
      assert.equal(await device.page.locator("img.logo").evaluate((img) => img.naturalWidth > 0), true, "the logo loads under the CSP");
      await assertContrast(device.page, "sign-in page");
    });

    it("asks for the email and reads the German check-email page", async () => {
      const { page } = device;
      await page.getByLabel("E-Mail-Adresse").fill(DEMO_EMAIL);
      await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Anmeldelink per E-Mail senden" }).click()]);
      await page.getByRole("heading", { name: "Prüfen Sie Ihr Postfach" }).waitFor();
      assert.match(await page.textContent("main"), /Beide laufen in 10 Minuten ab/);
      await assertContrast(page, "check-email page");
    });

    it("shows a wrong code's error in German, in a colour that meets AA", async () => {
      const { page } = device;
      await page.getByLabel("Code aus der E-Mail").fill("000000");
      await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Mit dem Code anmelden" }).click()]);
      await page.getByText("Dieser Code hat nicht funktioniert.").waitFor();
      await assertContrast(page, "wrong-code page");
    });

    it("finds a German email in the dev mailbox", async () => {
      message = await waitForMessage(stack.mailboxUrl, DEMO_EMAIL);
      assert.equal(message.subject, "Bei sesame-edge anmelden");
      assert.equal(message.language, "de");
      assert.match(message.text, /^Ihr Code: \d{6}$/m);
      assert.match(message.text, /Link und Code laufen in 10 Minuten ab\./);
      assert.equal(new URL(message.link).searchParams.get("lang"), "de");
    });

    it("renders the email with AA contrast in this mode too", async () => {
      const { page } = device;
      await page.goto("about:blank");
      await page.setContent(message.html);
      for (const selector of ["h1", "p", "td[bgcolor] a", "p.muted", "a.link"]) {
        const result = await contrastOf(page, selector);
        assert.ok(!result.missing, `the email has no ${selector}`);
        assert.ok(
          result.ratio >= MIN_CONTRAST,
          `email, ${selector}: ${result.color} on ${result.background} is ${result.ratio.toFixed(2)}:1`,
        );
      }
    });

    it("opens the link to a German confirmation, confirms, and lands on the protected page", async () => {
      const { page } = device;
      await page.goto(message.link);
      await assertContrast(page, "link page");
      await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: `Weiter als ${DEMO_EMAIL}` }).click()]);
      await page.waitForURL((url) => url.pathname + url.search === PROTECTED_PATH);
      await page.getByText(`Hello, ${DEMO_EMAIL}`).waitFor();
    });

    it("shows the German sign-out page, then signs out", async () => {
      const { page } = device;
      await page.goto(`${stack.publicUrl}/.sesame/logout`);
      await page.getByRole("heading", { name: "Von sesame-edge abmelden?" }).waitFor();
      await assertContrast(page, "sign-out page");
      await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Abmelden", exact: true }).click()]);
      await page.getByRole("heading", { name: "Sie sind abgemeldet" }).waitFor();
    });

    it("showed no console errors (CSP refusals included)", () => {
      // The wrong code's page is a 400 on purpose: the document's own status is not an error here.
      const ownStatus = (e) => e.resource === e.url && /status of 400/.test(e.text);
      assert.deepEqual(
        device.errors.filter((e) => e.url.startsWith(stack.publicUrl) && !ownStatus(e)),
        [],
      );
    });
  });
}
