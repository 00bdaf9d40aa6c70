/** Longest address SMTP carries (RFC 5321 section 4.5.3.1.3). */
export const MAX_EMAIL_LENGTH = 254;

/** Trim and lower-case: one account per address, whatever the case it is typed in. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/**
 * A deliberately plain check: one @, a dotted domain, no spaces, no control characters,
 * no characters that could break a mail header (CR, LF, <, >, comma, quotes).
 */
export function isValidEmail(email: string): boolean {
  if (email.length === 0 || email.length > MAX_EMAIL_LENGTH) return false;
  return /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(
    email,
  );
}

/** The domain part of a normalised, valid address. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1);
}
