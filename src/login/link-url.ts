import type { Config } from "../config";

/**
 * The magic link, wherever one is handed out (the sign-in email, the admin API's login
 * tokens): PUBLIC_URL + AUTH_PREFIX/link?sesame=TOKEN, with &next= when it is not "/".
 */
export function magicLinkUrl(config: Pick<Config, "authPrefix" | "publicUrl">, token: string, next = "/"): string {
  const url = new URL(`${config.authPrefix}/link`, config.publicUrl);
  url.searchParams.set("sesame", token);
  if (next !== "/") url.searchParams.set("next", next);
  return url.href;
}
