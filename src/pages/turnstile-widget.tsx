import { TURNSTILE_SCRIPT_URL } from "../turnstile";

/**
 * Cloudflare's Turnstile widget, rendered implicitly by its script into the `.cf-turnstile`
 * box: it adds the hidden `cf-turnstile-response` field to the enclosing form. Pages that
 * show it must send the CSP from turnstileHeaders (src/routes/turnstile-guard.ts).
 */
export function TurnstileWidget({ siteKey }: { siteKey?: string }) {
  if (!siteKey) return null;
  return (
    <>
      <div class="cf-turnstile" data-sitekey={siteKey} />
      <script src={TURNSTILE_SCRIPT_URL} async defer />
    </>
  );
}
