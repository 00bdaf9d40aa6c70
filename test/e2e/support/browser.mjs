/** Debian's Chromium driven by playwright-core: no browser download, no network beyond loopback. */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags that keep Chromium quiet and local: no sync, no component updates, no QUIC, no GPU. */
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-dev-shm-usage",
];

export async function launchChromium() {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/**
 * A fresh browser context (its own cookies: a second device) whose pages record console
 * errors and uncaught exceptions, each with the URL of the page it happened on. `options`
 * go to browser.newContext: `locale` (which sets Accept-Language), `colorScheme`.
 */
export async function newRecordingContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 }, locale: "en-US", ...options });
  const errors = [];
  context.on("page", (page) => recordErrors(page, errors));
  return { context, errors };
}

function recordErrors(page, errors) {
  page.on("console", (message) => {
    // `resource` names what failed to load (the page itself, a style sheet, favicon.ico).
    if (message.type() === "error") errors.push({ url: page.url(), resource: message.location().url, text: message.text() });
  });
  page.on("pageerror", (error) => errors.push({ url: page.url(), text: `uncaught: ${error.message}` }));
}
