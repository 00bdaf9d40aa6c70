/**
 * What every page needs besides its own data: the app's name, AUTH_PREFIX, the brand, and
 * the reader's language (negotiated per request, src/i18n/negotiate.ts). Built once per
 * request by `siteFor`, from the configuration and the request alone.
 */
import type { Brand } from "../brand";
import { CONFIG_KEYS, type Config } from "../config";
import { createTranslator, type Locale, negotiateLocale, SUPPORTED_LOCALES, type Translator } from "../i18n";

export interface Site {
  appName: string;
  /** AUTH_PREFIX. */
  prefix: string;
  brand: Brand;
  i18n: Translator;
  /** The enabled languages, for the language links on the sign-in page. */
  locales: readonly Locale[];
  /**
   * `path` under AUTH_PREFIX with `params` as its query, plus `lang` when the reader chose a
   * language with `?lang=`: the choice then survives every form and link of the flow.
   */
  href(path: string, params?: Record<string, string | undefined>): string;
}

type SiteSettings = Pick<Config, "appName" | "authPrefix" | "brand" | "i18n">;

export function siteFor(config: SiteSettings, request: Request): Site {
  const { locale, chosen } = negotiateLocale(request, config.i18n);
  return createSite(config, locale, chosen);
}

/**
 * For the one page shown without a valid configuration (the "misconfigured" 500): the
 * built-in defaults, every shipped language, no brand.
 */
export function fallbackSite(request: Request): Site {
  return siteFor(
    {
      appName: CONFIG_KEYS.APP_NAME,
      authPrefix: CONFIG_KEYS.AUTH_PREFIX,
      brand: { logoUrl: null, palette: null, supportUrl: null, supportEmail: null },
      i18n: { locales: SUPPORTED_LOCALES, defaultLocale: "en" },
    },
    request,
  );
}

/** A site in one given language; `keepLang` adds `lang` to every URL `href` builds. */
function createSite(config: SiteSettings, locale: Locale, keepLang: boolean): Site {
  const prefix = config.authPrefix;
  return {
    appName: config.appName,
    prefix,
    brand: config.brand,
    i18n: createTranslator(locale),
    locales: config.i18n.locales,
    href(path, params = {}) {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
      if (keepLang) query.set("lang", locale);
      const search = query.toString();
      return `${prefix}${path}${search ? `?${search}` : ""}`;
    },
  };
}
