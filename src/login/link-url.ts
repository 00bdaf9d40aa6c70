import type { Config } from "../config";
import type { Locale } from "../i18n";

/**
 * The magic link, wherever one is handed out (the sign-in email, the admin API's login
 * tokens): PUBLIC_URL + AUTH_PREFIX/link?sesame=TOKEN, with &next= when it is not "/" and
 * &lang= with the email's language, so the page it opens speaks it too.
 */
export function magicLinkUrl(config: Pick<Config, "authPrefix" | "publicUrl">, token: string, next = "/", locale?: Locale): string {
  const url = new URL(`${config.authPrefix}/link`, config.publicUrl);
  url.searchParams.set("sesame", token);
  if (next !== "/") url.searchParams.set("next", next);
  if (locale) url.searchParams.set("lang", locale);
  return url.href;
}
