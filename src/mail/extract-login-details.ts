/**
 * Finds the sign-in link and code in a message's text, so the dev mailbox can show them
 * (and tests can click them). Tolerant by design: it looks for what a person would, not
 * for one exact template, and answers null rather than guessing wrong.
 */
export interface LoginDetails {
  link: string | null;
  code: string | null;
}

const URL_PATTERN = /https?:\/\/[^\s<>"'`]+/g;
/** A code of 6 to 10 digits, possibly grouped for reading ("123 456", "1234-5678"). */
const CODE_DIGITS = String.raw`(\d(?:[ -]?\d){5,9})(?![\d])`;
/** "code" then, on the same line or the next, the digits. */
const LABELLED_CODE = new RegExp(String.raw`\bcode\b[^\d\r\n]{0,60}(?:\r?\n[^\S\r\n]*)?` + CODE_DIGITS, "i");
const BARE_CODE = new RegExp(String.raw`(?<![\d.\w/])` + CODE_DIGITS + String.raw`(?![.\w/])`);

export function extractLoginDetails(text: string): LoginDetails {
  const urls = (text.match(URL_PATTERN) ?? []).map(trimTrailingPunctuation);
  // The sign-in link carries the token in `sesame=`; any other URL is a fallback.
  const link = urls.find((u) => /[?&]sesame=/.test(u)) ?? urls[0] ?? null;
  // Digits inside URLs (ports, tokens) must not pass for a code.
  const withoutUrls = text.replace(URL_PATTERN, " ");
  const match = LABELLED_CODE.exec(withoutUrls) ?? BARE_CODE.exec(withoutUrls);
  const code = match?.[1]?.replace(/[ -]/g, "") ?? null;
  return { link, code };
}

/** "see https://x/y." -> "https://x/y": sentence punctuation is not part of the URL. */
function trimTrailingPunctuation(url: string): string {
  return url.replace(/[.,;:!?)\]}]+$/, "");
}
