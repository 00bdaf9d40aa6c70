/**
 * `npm run screenshots`: a PNG of every page the edge shows a person (sign-in, check email,
 * wrong code, the link, the link in another browser, an unusable link, the gate's 403, other
 * errors, sign out, signed out, the dev mailbox and the email itself), in light and dark, in English and German, taken in Debian's
 * Chromium against what `npm run dev` starts. Writes docs/pages/*.png and the gallery in
 * docs/pages.md (between its screenshot markers). Nothing leaves 127.0.0.1: the brand
 * logo's https URL is answered by the browser itself.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "../test/e2e/support/browser.mjs";
import { clearMailbox, waitForMessage } from "../test/e2e/support/mailbox.mjs";
import { ROOT, startDevStack } from "../test/e2e/support/stack.mjs";

const OUT = join(ROOT, "docs", "pages");
const GALLERY = join(ROOT, "docs", "pages.md");
const START = "<!-- screenshots:start -->";
const END = "<!-- screenshots:end -->";
const EMAIL = "demo@example.com";
const LANGUAGES = [
  { tag: "en", locale: "en-US", name: "English" },
  { tag: "de", locale: "de-DE", name: "German" },
];
const SCHEMES = ["light", "dark"];
const DESKTOP_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
/** A brand for the second set: a colour that needs adjusting, a logo, a support address. */
const BRAND_LOGO_URL = "https://brand.example/logo.svg";
const BRAND = { BRAND_COLOR: "#ffd400", BRAND_LOGO_URL, SUPPORT_EMAIL: "help@example.com", SUPPORT_URL: "https://help.example.com/" };
const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40" viewBox="0 0 160 40"><rect width="40" height="40" rx="10" fill="#ffd400"/><path d="M12 26l8-14 8 14z" fill="#1a1a1a"/><text x="50" y="27" font-family="sans-serif" font-size="18" font-weight="700" fill="#888">Acme</text></svg>`;

/** One app on the local stack whose /staff/ only a group the demo user is not in may open: the 403 page. */
const STAFF_PATH = "/staff/";
const apps = ({ originUrl }) =>
  JSON.stringify([
    {
      name: "demo",
      hosts: ["localhost"],
      origin: `${originUrl}/`,
      policies: [
        { name: "staff", path: `${STAFF_PATH}*`, action: "allow", include: [{ group: "staff" }] },
        { name: "everyone", path: "/*", action: "allow", include: [{ everyone: true }] },
      ],
    },
  ]);

/** Each page: a name, a caption, and how to reach it from a fresh page in a context. */
const PAGES = [
  { name: "sign-in", caption: "Sign-in (GET /login)", show: (p, base) => p.goto(`${base}/.sesame/login?next=%2F`) },
  {
    name: "sign-in-error",
    caption: "Sign-in with an invalid address",
    show: async (p, base) => {
      await p.goto(`${base}/.sesame/login?next=%2F`);
      await p.fill("#email", "not an address");
      await p.$eval("form", (form) => {
        form.noValidate = true;
      });
      await Promise.all([p.waitForNavigation(), p.click("button[type=submit]")]);
    },
  },
  {
    name: "check-email",
    caption: "Check your email, with the code form (POST /login)",
    show: async (p, base, stack) => {
      await clearMailbox(stack.mailboxUrl, EMAIL);
      await p.goto(`${base}/.sesame/login?next=%2F`);
      await p.fill("#email", EMAIL);
      await Promise.all([p.waitForNavigation(), p.click("button[type=submit]")]);
    },
  },
  {
    name: "code-error",
    caption: "A wrong code (POST /code)",
    show: async (p) => {
      await p.fill("#code", "000000");
      await Promise.all([p.waitForNavigation(), p.click("button[type=submit]")]);
    },
    after: "check-email",
  },
  {
    name: "link",
    caption: "The magic link's confirmation (GET /link)",
    show: async (p, _base, stack) => p.goto((await waitForMessage(stack.mailboxUrl, EMAIL)).link),
    after: "check-email",
  },
  {
    name: "other-browser",
    caption: "The link opened in another browser (SAME_DEVICE=warn, the default)",
    show: async (p, _base, stack) => {
      // A browser without the attempt cookie of the one that asked: a phone, a forwarded email.
      await p.context().clearCookies();
      await p.goto((await waitForMessage(stack.mailboxUrl, EMAIL)).link);
    },
    after: "check-email",
  },
  { name: "link-invalid", caption: "A link that cannot be used", show: (p, base) => p.goto(`${base}/.sesame/link?sesame=expired`) },
  {
    name: "email",
    caption: "The sign-in email (HTML part, as a mail client that honours dark mode shows it)",
    show: async (p, _base, stack) => {
      const { html } = await waitForMessage(stack.mailboxUrl, EMAIL);
      // A blank page first: the previous page's CSP would refuse the email's inline styles.
      await p.goto("about:blank");
      await p.setContent(html);
    },
    after: "check-email",
  },
  {
    name: "forbidden",
    caption: "A form sent from another site (403)",
    show: async (p, base) => {
      await p.goto("about:blank");
      await p.setContent(`<form method="post" action="${base}/.sesame/login"><input name="email" value="x@example.com"></form>`);
      await Promise.all([p.waitForNavigation(), p.$eval("form", (form) => form.submit())]);
    },
  },
  { name: "not-found", caption: "404 under the auth prefix", show: (p, base) => p.goto(`${base}/.sesame/nowhere`) },
  {
    name: "sign-out",
    caption: "Sign-out confirmation (GET /logout, signed in)",
    show: async (p, _base, stack) => {
      await p.goto((await waitForMessage(stack.mailboxUrl, EMAIL)).link);
      await Promise.all([p.waitForNavigation(), p.click("button[type=submit]")]);
      await p.goto(`${stack.publicUrl}/.sesame/logout`);
    },
    after: "check-email",
  },
  {
    name: "access-denied",
    caption: "403: signed in, but an access policy of APPS does not allow this account",
    show: (p, base) => p.goto(`${base}${STAFF_PATH}`),
    after: "sign-out",
  },
  {
    name: "signed-out",
    caption: "Signed out",
    show: async (p, base) => {
      await p.goto(`${base}/.sesame/logout`);
      await Promise.all([p.waitForNavigation(), p.click("button[type=submit]")]);
    },
    after: "sign-out",
  },
  {
    name: "dev-mailbox",
    caption: "The dev mailbox (MAILER=dev)",
    show: (p, base) => p.goto(`${base}/.sesame/dev/mailbox?to=${EMAIL}`),
    wide: true,
  },
];
const BRAND_PAGES = ["sign-in", "check-email", "email"];

async function shoot({ browser, stack, prefix, pages, languages, note }) {
  const shots = [];
  for (const language of languages) {
    for (const scheme of SCHEMES) {
      // One context per language and scheme: the flow's pages follow each other in it.
      const context = await browser.newContext({
        locale: language.locale,
        colorScheme: scheme,
        viewport: { width: 720, height: 720 },
        // What a desktop Chrome sends (headless Chromium calls itself HeadlessChrome): the email names it.
        userAgent: DESKTOP_CHROME,
      });
      await context.route(`${BRAND_LOGO_URL}`, (route) => route.fulfill({ body: LOGO_SVG, contentType: "image/svg+xml" }));
      const page = await context.newPage();
      for (const entry of PAGES.filter((p) => pages.includes(p.name))) {
        await page.setViewportSize({ width: entry.wide ? 1100 : 720, height: 720 });
        await entry.show(page, stack.publicUrl, stack);
        await page.waitForLoadState("load");
        const file = `${prefix}${entry.name}-${language.tag}-${scheme}.png`;
        await page.screenshot({ path: join(OUT, file), fullPage: true });
        shots.push({ ...entry, file, language, scheme });
        console.log(`# ${file}${note ? ` (${note})` : ""}`);
      }
      await context.close();
    }
  }
  return shots;
}

function gallery(shots, brandShots) {
  const lines = [START, "", "Generated by `npm run screenshots`; do not edit by hand.", ""];
  const section = (list, heading) => {
    lines.push(heading, "");
    for (const entry of PAGES.filter((p) => list.some((s) => s.name === p.name))) {
      lines.push(`#### ${entry.caption}`, "", "| | light | dark |", "| --- | --- | --- |");
      for (const language of LANGUAGES) {
        const cell = (scheme) => {
          const shot = list.find((s) => s.name === entry.name && s.language.tag === language.tag && s.scheme === scheme);
          return shot ? `<img src="pages/${shot.file}" alt="${entry.caption}, ${language.name}, ${scheme}" width="320">` : "";
        };
        lines.push(`| ${language.name} | ${cell("light")} | ${cell("dark")} |`);
      }
      lines.push("");
    }
  };
  section(shots, "### Default look");
  section(brandShots, `### With a brand: \`BRAND_COLOR=${BRAND.BRAND_COLOR}\`, a logo, \`SUPPORT_URL\` and \`SUPPORT_EMAIL\``);
  lines.push(END);
  return lines.join("\n");
}

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  const names = PAGES.map((p) => p.name);
  let shots = [];
  let brandShots = [];
  // Many sign-in emails to one address in a few seconds: lift the per-address limit.
  const limits = { RATE_LIMIT_LOGIN_PER_EMAIL: "100" };
  let stack = await startDevStack({ extraVars: (urls) => ({ ...limits, APPS: apps(urls) }) });
  try {
    shots = await shoot({ browser, stack, prefix: "", pages: names, languages: LANGUAGES });
  } finally {
    await stack.stop();
  }
  stack = await startDevStack({ extraVars: { ...limits, ...BRAND } });
  try {
    brandShots = await shoot({ browser, stack, prefix: "brand-", pages: BRAND_PAGES, languages: LANGUAGES, note: "brand" });
  } finally {
    await stack.stop();
    await browser.close();
  }
  const doc = readFileSync(GALLERY, "utf8");
  const from = doc.indexOf(START);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/pages.md lacks the ${START} ... ${END} markers`);
  writeFileSync(GALLERY, doc.slice(0, from) + gallery(shots, brandShots) + doc.slice(to + END.length));
  console.log(`# ${shots.length + brandShots.length} screenshots in docs/pages/; gallery written to docs/pages.md`);
}

await main();
