/**
 * Reading the sign-in forms (application/x-www-form-urlencoded or multipart). Every field
 * is a bounded string; a missing field is "", a file upload or an oversized value is a 400
 * naming the field, never a 500.
 */
import { BadRequestError } from "../errors";

/** The forms carry an email, a code, a token and a path: a few kilobytes at most. */
export const MAX_FORM_BYTES = 8 * 1024;

export type FormFields = (name: string, maxLength: number) => string;

/** Parses the body once and returns a reader for its string fields. */
export async function readForm(request: Request): Promise<FormFields> {
  const declared = Number(request.headers.get("Content-Length") ?? "0");
  if (declared > MAX_FORM_BYTES) throw new BadRequestError("body", "The form is too large");
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") {
    throw new BadRequestError("body", "Send the form as application/x-www-form-urlencoded");
  }
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new BadRequestError("body", "The form could not be read");
  }
  return (name, maxLength) => {
    const value = form.get(name);
    if (value === null) return "";
    if (typeof value !== "string") throw new BadRequestError(name, `${name} must be text`);
    if (value.length > maxLength) throw new BadRequestError(name, `${name} is too long`);
    return value;
  };
}
