/**
 * Who may get an account by signing in (SIGNUP): `closed` (only existing users), `open`
 * (anyone who proves the address), or `allowlist` (ALLOWED_EMAILS, exact addresses, and
 * ALLOWED_EMAIL_DOMAINS, exact domains). Domain matching is exact on the part after the
 * last "@": `evil-example.com`, `example.com.evil.com` and `sub.example.com` are not
 * `example.com`, so no suffix or prefix trick gets in.
 */
import type { Config } from "../config";
import { emailDomain } from "../users/email";

/** `email` must be normalised and valid. */
export function isSignupAllowed(signup: Config["signup"], email: string): boolean {
  switch (signup.policy) {
    case "open":
      return true;
    case "closed":
      return false;
    case "allowlist":
      return signup.allowedEmails.has(email) || signup.allowedDomains.has(emailDomain(email));
  }
}
