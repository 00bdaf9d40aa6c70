/**
 * Which language a page is in (docs/pages.md, "Languages"): `?lang=` when it names an
 * enabled language, else the best match for Accept-Language (RFC 9110 section 12.5.4,
 * quality values honoured; RFC 4647 lookup, so `de-CH` finds `de` and `pt` finds `pt-BR`),
 * else DEFAULT_LOCALE.
 */
import type { Locale } from "./catalogue";

export interface LocaleSettings {
  /** Enabled languages (LOCALES), in the operator's order. */
  locales: readonly Locale[];
  defaultLocale: Locale;
}

export interface NegotiatedLocale {
  locale: Locale;
  /** True when `?lang=` chose it: the pages then keep `lang` in their links and forms. */
  chosen: boolean;
}

/** Longer headers are cut: nobody's browser sends this many languages. */
const MAX_ACCEPT_LANGUAGE_CHARS = 1024;
const MAX_RANGES = 32;

export function negotiateLocale(request: Request, settings: LocaleSettings): NegotiatedLocale {
  const asked = new URL(request.url).searchParams.get("lang");
  const chosen = asked ? matchLocale(asked, settings.locales) : null;
  if (chosen) return { locale: chosen, chosen: true };
  return { locale: pickFromAcceptLanguage(request.headers.get("Accept-Language"), settings), chosen: false };
}

/** The best enabled language for an Accept-Language header, or the default. */
function pickFromAcceptLanguage(header: string | null, settings: LocaleSettings): Locale {
  for (const range of parseAcceptLanguage(header ?? "")) {
    const match = matchLocale(range, settings.locales);
    if (match) return match;
  }
  return settings.defaultLocale;
}

/**
 * Language ranges by descending quality (ties keep the header's order), without `*` and
 * without q=0, which means "not this one".
 */
export function parseAcceptLanguage(header: string): string[] {
  const ranges: { tag: string; q: number; index: number }[] = [];
  const parts = header.slice(0, MAX_ACCEPT_LANGUAGE_CHARS).split(",").slice(0, MAX_RANGES);
  parts.forEach((part, index) => {
    const [rawTag = "", ...params] = part.split(";");
    const tag = rawTag.trim();
    if (!/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag)) return;
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(param);
      if (match) q = Math.min(1, Number(match[1]));
    }
    if (q > 0) ranges.push({ tag, q, index });
  });
  return ranges.sort((a, b) => b.q - a.q || a.index - b.index).map((r) => r.tag);
}

/**
 * An enabled locale for one language tag: the exact tag, then the tag cut one subtag at a
 * time (`de-CH-1996` -> `de-CH` -> `de`), then any enabled locale of the same language
 * (`pt` or `pt-PT` -> `pt-BR`, `en-GB` -> `en-US` were it the one enabled).
 */
export function matchLocale(tag: string, locales: readonly Locale[]): Locale | null {
  const wanted = tag.trim().toLowerCase();
  if (!wanted) return null;
  const byLower = new Map(locales.map((locale) => [locale.toLowerCase(), locale]));
  const subtags = wanted.split("-");
  for (let n = subtags.length; n > 0; n--) {
    const hit = byLower.get(subtags.slice(0, n).join("-"));
    if (hit) return hit;
  }
  const language = subtags[0];
  return locales.find((locale) => locale.toLowerCase().split("-")[0] === language) ?? null;
}
