/**
 * Control characters (C0, DEL and C1: NUL, CR, LF, ESC...), the one definition: never
 * wanted in names, scopes, emails, query text or mail headers, where they split headers,
 * forge log lines or hide text.
 */
import { BadRequestError } from "../errors";

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL_RUNS = /[\u0000-\u001f\u007f-\u009f]+/g;

export function hasControlCharacters(text: string): boolean {
  return CONTROL_CHARACTERS.test(text);
}

/** `text` with each run of control characters turned into one space, trimmed. */
export function replaceControlCharacters(text: string): string {
  return text.replace(CONTROL_RUNS, " ").trim();
}

/** Returns `text`, or throws a 400 naming `field` when it holds a control character. */
export function refuseControlCharacters(text: string, field: string): string {
  if (hasControlCharacters(text)) throw new BadRequestError(field, `${field} must not contain control characters`);
  return text;
}
