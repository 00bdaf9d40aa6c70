/**
 * The words of the bot check and the same-device pages, in one place so they can move into
 * a message catalogue with the rest of the pages' text. English only for now.
 */
export const SIGNIN_PUBLIC_TEXT = {
  turnstileMissing: "Please wait for the check below to finish, then send the form again.",
  turnstileFailed: "We could not confirm that a person sent this form. Please try again.",
  turnstileUnavailable: "The check that keeps automated sign-ins out did not answer, so nothing was done. Please try again in a moment.",
  otherBrowserTitle: "Opened in another browser",
  otherBrowserHeading: "This link was opened in a different browser",
  askedFrom: (browser: string, when: string) => `The sign-in was asked for from ${browser}, on ${when}.`,
  finishWithCode: "To finish there, type the code from the same email into that browser.",
  continueAnyway: "If this was you and you would rather sign in here, you can still continue:",
  requiredHeading: "Finish signing in where you asked",
  requiredLead: "This site only lets a sign-in email be used in the browser that asked for it, and this is another browser.",
  newEmailHere: "Ask for a new email from this browser",
  codeOtherBrowser:
    "This code only works in the browser that asked for the email. Type it there, or ask for a new email from this browser.",
} as const;

/** A moment as people read it, in UTC so every reader sees the same words: "29 Nov 2026, 10:31 UTC". */
export function formatAskedAt(ms: number): string {
  return `${new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(ms)} UTC`;
}
