/**
 * Reading the sign-in forms (application/x-www-form-urlencoded or multipart). Every field
 * is a bounded string; a missing field is "", a file upload or an oversized value is a 400
 * naming the field, never a 500; a body over MAX_FORM_BYTES is a 413, found while it
 * streams in (src/http/read-body.ts).
 */
import { BadRequestError } from "../errors";
import { readBodyWithLimit } from "../http/read-body";

/**
 * The largest form our pages send, with room to spare: an email (318 characters), a code
 * (64), a token (400) and a `next` (4,096), percent-encoded by the browser at up to 9 bytes
 * a character (a 3-byte UTF-8 character becomes %XX%XX%XX), is under 44 KiB.
 */
export const MAX_FORM_BYTES = 48 * 1024;

/** A reader of the form's string fields, by name; `forEach` visits every field as sent, a repeated one as often as it came. */
export interface FormFields {
  (name: string, maxLength: number): string;
  forEach(callback: (value: unknown, name: string) => void): void;
}

/** Parses the body once and returns a reader for its string fields. */
export async function readForm(request: Request): Promise<FormFields> {
  const contentType = request.headers.get("Content-Type") ?? "";
  const type = contentType.replace(/;.*/s, "").trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") {
    throw new BadRequestError("body", "Send the form as application/x-www-form-urlencoded");
  }
  const body = await readBodyWithLimit(request, MAX_FORM_BYTES);
  let form: FormData;
  try {
    // Parsed from the bytes already read (within the limit), with the request's own type (multipart's boundary).
    form = await new Response(body, { headers: { "Content-Type": contentType } }).formData();
  } catch {
    throw new BadRequestError("body", "The form could not be read");
  }
  const field = (name: string, maxLength: number) => {
    const value = form.get(name);
    if (value === null) return "";
    if (typeof value !== "string") throw new BadRequestError(name, `${name} must be text`);
    if (value.length > maxLength) throw new BadRequestError(name, `${name} is too long`);
    return value;
  };
  return Object.assign(field, { forEach: (callback: (value: unknown, name: string) => void) => form.forEach(callback) });
}
