/**
 * A short, human name for a User-Agent ("Firefox on Linux"), for the "was this you?" line
 * of the login email. Only names from the lists below ever appear: the header is chosen by
 * whoever asked for the email, so none of its own text may reach the victim's inbox in the
 * service's own words (docs/security.md, "Attacker text in emails").
 */
import { createTranslator, type Translator } from "../i18n";

// Order matters: Edge and Opera also claim Chrome, Chrome also claims Safari.
const BROWSERS: [RegExp, string][] = [
  [/\bEdg(?:e|A|iOS)?\//, "Edge"],
  [/\b(?:OPR|Opera)\//, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\b(?:Firefox|FxiOS)\//, "Firefox"],
  [/\b(?:Chrome|CriOS|Chromium)\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
  [/^curl\//, "curl"],
];
const SYSTEMS: [RegExp, string][] = [
  [/\b(?:iPhone|iPad|iPod)\b/, "iOS"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b/, "Linux"],
];

/** In the email's language: "Chrome on macOS", "Chrome unter macOS", "an unrecognised browser on Windows"; "an unknown browser" without a User-Agent (English by default). */
export function describeUserAgent(userAgent: string | null, i18n: Translator = createTranslator("en")): string {
  const ua = (userAgent ?? "").trim();
  if (!ua) return i18n.t("email.unknownBrowser");
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1] ?? i18n.t("email.unrecognisedBrowser");
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  return system ? i18n.t("email.browserOnSystem", { browser, system }) : browser;
}
