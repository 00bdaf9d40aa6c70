import { TURNSTILE_SCRIPT_URL } from "../turnstile";
import type { Site } from "./site";

/**
 * Cloudflare's Turnstile widget, rendered implicitly by its script into the `.cf-turnstile`
 * box: it adds the hidden `cf-turnstile-response` field to the enclosing form, and speaks
 * the page's language (`data-language`). Pages that show it must send the CSP from
 * turnstileHeaders (src/routes/turnstile-guard.ts).
 */
export function TurnstileWidget({ site, siteKey }: { site: Site; siteKey?: string }) {
  if (!siteKey) return null;
  return (
    <>
      <div class="cf-turnstile" data-sitekey={siteKey} data-language={site.i18n.locale.toLowerCase()} />
      <script src={TURNSTILE_SCRIPT_URL} async defer />
    </>
  );
}
