/**
 * The brand (docs/pages.md, "Brand"): logo, colour and a way to reach support, shown on
 * every page and in the email. Parsed once with the rest of the configuration.
 */
import { type BrandPalette, brandPalette, parseHexColor } from "./palette";

export { AA_TEXT_CONTRAST, type BrandPalette, brandPalette, contrastRatio } from "./palette";

export interface Brand {
  /** An https URL; the CSP then allows images from its origin. */
  logoUrl: string | null;
  /** From BRAND_COLOR; null keeps the built-in blue. */
  palette: BrandPalette | null;
  supportUrl: string | null;
  supportEmail: string | null;
}

const MAX_URL_CHARS = 2048;
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

/** Reads the BRAND_* and SUPPORT_* values; each problem names its key. */
export function parseBrand(raw: { logoUrl: string; color: string; supportUrl: string; supportEmail: string }, problems: string[]): Brand {
  let palette: BrandPalette | null = null;
  if (raw.color) {
    const hex = parseHexColor(raw.color);
    if (hex) palette = brandPalette(hex);
    else problems.push("BRAND_COLOR must be a hex colour like #1d4ed8 (or #15c)");
  }
  if (raw.supportEmail && !EMAIL.test(raw.supportEmail)) problems.push("SUPPORT_EMAIL must be an email address, like help@example.com");
  return {
    logoUrl: httpsUrl("BRAND_LOGO_URL", raw.logoUrl, problems),
    palette,
    supportUrl: httpsUrl("SUPPORT_URL", raw.supportUrl, problems),
    supportEmail: raw.supportEmail || null,
  };
}

/** An absolute https URL without credentials; pages and emails are served to anyone, so never http. */
function httpsUrl(key: string, raw: string, problems: string[]): string | null {
  if (!raw) return null;
  let url: URL | null = null;
  try {
    url = new URL(raw);
  } catch {
    url = null;
  }
  if (url?.protocol !== "https:" || url.username || url.password || raw.length > MAX_URL_CHARS) {
    problems.push(`${key} must be an https URL without credentials, at most ${MAX_URL_CHARS} characters`);
    return null;
  }
  return url.href;
}
