import { Layout } from "./layout";

/**
 * Removes `sesame` from the address bar and history as soon as the page loads, so the token
 * is not kept in history, bookmarks or a shared screenshot. Static text: its CSP hash is
 * computed once (linkPageScriptHash) and sent with the page.
 */
export const LINK_PAGE_SCRIPT =
  '(function(){var u=new URL(location.href);if(u.searchParams.has("sesame")){u.searchParams.delete("sesame");history.replaceState(null,"",u.pathname+u.search+u.hash)}})();';

let scriptHash: Promise<string> | null = null;

/** "sha256-<base64>" of LINK_PAGE_SCRIPT, for the page's Content-Security-Policy. */
export function linkPageScriptHash(): Promise<string> {
  scriptHash ??= crypto.subtle.digest("SHA-256", new TextEncoder().encode(LINK_PAGE_SCRIPT)).then((digest) => {
    let binary = "";
    for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
    return `sha256-${btoa(binary)}`;
  });
  return scriptHash;
}

export interface LinkConfirmPageProps {
  appName: string;
  prefix: string;
  email: string;
  token: string;
  next: string;
}

/**
 * GET /link: the magic link lands here and nothing is consumed. A mail scanner that
 * fetches the link (GET or HEAD) sees this page and stops; a person presses the button,
 * which POSTs the token from a hidden field, never in a URL.
 */
export function LinkConfirmPage({ appName, prefix, email, token, next }: LinkConfirmPageProps) {
  return (
    <Layout title="Continue signing in" appName={appName} prefix={prefix}>
      <h1>{`Sign in to ${appName}`}</h1>
      <form method="post" action={`${prefix}/link`}>
        <input type="hidden" name="sesame" value={token} />
        <input type="hidden" name="next" value={next} />
        <button type="submit">{`Continue as ${email}`}</button>
      </form>
      <p>
        <small>Not you? Close this page: nothing happens until you press the button.</small>
      </p>
      <script dangerouslySetInnerHTML={{ __html: LINK_PAGE_SCRIPT }} />
    </Layout>
  );
}

/**
 * Any link that cannot be used: malformed, forged, expired, used, revoked, for an inactive
 * account. One page for every reason, so it tells nobody which.
 */
export function LinkInvalidPage({ appName, prefix, next }: { appName: string; prefix: string; next: string }) {
  return (
    <Layout title="Link not valid" appName={appName} prefix={prefix}>
      <h1>This sign-in link cannot be used</h1>
      <p class="lead">It may have expired, been used already, or been replaced by a newer email.</p>
      <a class="button" href={`${prefix}/login?next=${encodeURIComponent(next)}`}>
        Get a new link
      </a>
    </Layout>
  );
}
