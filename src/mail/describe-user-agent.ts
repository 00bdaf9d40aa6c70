/**
 * A short, human name for a User-Agent ("Firefox on Linux"), for the "was this you?" line
 * of the login email. Unknown agents are cut short rather than quoted whole: the header is
 * chosen by whoever asked for the email, so it is shown as plain, bounded text only.
 */
export const MAX_USER_AGENT_DISPLAY_LENGTH = 60;

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

export function describeUserAgent(userAgent: string | null): string {
  const ua = (userAgent ?? "").replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  if (!ua) return "an unknown browser";
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1];
  const system = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  return ua.length > MAX_USER_AGENT_DISPLAY_LENGTH ? `${ua.slice(0, MAX_USER_AGENT_DISPLAY_LENGTH - 1)}…` : ua;
}
