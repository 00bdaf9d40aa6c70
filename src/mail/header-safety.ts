/**
 * Mail headers (To, Subject, From) are built from our own config and from addresses the
 * login route has already validated. A CR or LF reaching one would let input forge headers,
 * so we refuse it outright: that is a programming error, not bad user input.
 */
import { hasControlCharacters, replaceControlCharacters } from "../http/control-characters";

export function assertHeaderSafe(field: string, value: string): void {
  if (hasControlCharacters(value)) {
    throw new TypeError(`mail ${field} must not contain control characters`);
  }
}

/** Collapses control characters (CR, LF, tabs...) to single spaces, for text built from config. */
export function toHeaderText(value: string): string {
  return replaceControlCharacters(value);
}
