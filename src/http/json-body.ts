/**
 * Strict JSON input for API endpoints: one parse, unknown fields refused, typed readers
 * that name the offending field. Every failure is a BadRequestError (400 `{field}`), so
 * bad input can never reach the stores as a 500.
 */
import { BadRequestError } from "../errors";
import { isValidEmail, MAX_EMAIL_LENGTH, normalizeEmail } from "../users/email";
import { refuseControlCharacters } from "./control-characters";
import { readBodyWithLimit } from "./read-body";

export type JsonObject = Record<string, unknown>;

/** Admin and API bodies are a handful of short fields; anything larger is a mistake or abuse. */
export const MAX_JSON_BODY_BYTES = 16 * 1024;

/**
 * Reads the request body as one JSON object whose keys are all in `allowed`.
 * An empty body is `{}` (every field optional); a body over MAX_JSON_BODY_BYTES is a 413,
 * found while it streams in (src/http/read-body.ts); invalid JSON, a non-object or a body
 * that is not declared as JSON gives 400 field "body"; an unknown key gives 400 naming that
 * key.
 */
export async function readJsonObject(request: Request, allowed: readonly string[]): Promise<JsonObject> {
  const text = new TextDecoder().decode(await readBodyWithLimit(request, MAX_JSON_BODY_BYTES));
  if (text.trim() === "") return {};

  const contentType = (request.headers.get("Content-Type") ?? "").replace(/;.*/s, "").trim().toLowerCase();
  if (contentType !== "application/json" && !contentType.endsWith("+json")) {
    throw new BadRequestError("body", "The body must be JSON, sent with Content-Type: application/json");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadRequestError("body", "The body is not valid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new BadRequestError("body", "The body must be a JSON object");
  }
  const object = parsed as JsonObject;
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      // The key is echoed in `field` so the client sees its typo; cut so it cannot bloat the reply.
      throw new BadRequestError(key.slice(0, 64), `Unknown field ${JSON.stringify(key.slice(0, 64))}`);
    }
  }
  return object;
}

export interface StringRules {
  maxLength: number;
  /** Refuse the empty string (after trimming when `trim` is set). */
  nonEmpty?: boolean;
  /** Trim surrounding white space before checking and returning. Default true. */
  trim?: boolean;
}

/** An optional string field: undefined when absent; 400 when not a string, too long or holding control characters. */
export function readString(body: JsonObject, field: string, rules: StringRules): string | undefined {
  const raw = body[field];
  if (raw === undefined) return undefined;
  if (typeof raw !== "string") throw new BadRequestError(field, `${field} must be a string`);
  const value = rules.trim === false ? raw : raw.trim();
  if (value.length > rules.maxLength) {
    throw new BadRequestError(field, `${field} must be at most ${rules.maxLength} characters`);
  }
  if (rules.nonEmpty && value.length === 0) throw new BadRequestError(field, `${field} must not be empty`);
  refuseControlCharacters(value, field);
  if (!isWellFormed(value)) throw new BadRequestError(field, `${field} must be valid Unicode text`);
  return value;
}

/** An optional list of strings: undefined when absent; 400 when not an array, longer than `maxItems`, or an item breaks `rules`. */
export function readStringList(body: JsonObject, field: string, maxItems: number, rules: StringRules): string[] | undefined {
  const raw = body[field];
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw new BadRequestError(field, `${field} must be a list of strings`);
  if (raw.length > maxItems) throw new BadRequestError(field, `${field} must have at most ${maxItems} items`);
  return raw.map((item) => {
    if (typeof item !== "string") throw new BadRequestError(field, `${field} must be a list of strings`);
    return readString({ [field]: item }, field, rules) as string;
  });
}

/** An optional boolean field: only JSON true or false (never "true", 1 or null). */
export function readBoolean(body: JsonObject, field: string): boolean | undefined {
  const raw = body[field];
  if (raw === undefined) return undefined;
  if (typeof raw !== "boolean") throw new BadRequestError(field, `${field} must be true or false`);
  return raw;
}

/** An optional integer field in [min, max]: a JSON number with no fraction (never a string). */
export function readInteger(body: JsonObject, field: string, min: number, max: number): number | undefined {
  const raw = body[field];
  if (raw === undefined) return undefined;
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < min || raw > max) {
    throw new BadRequestError(field, `${field} must be a whole number from ${min} to ${max}`);
  }
  return raw;
}

/** An optional email field, normalised (trimmed, lower-case) and validated. */
export function readEmail(body: JsonObject, field: string): string | undefined {
  const raw = readString(body, field, { maxLength: MAX_EMAIL_LENGTH + 64 });
  if (raw === undefined) return undefined;
  return checkEmail(raw, field);
}

/** Normalises and validates an email given anywhere (body, query); 400 naming `field` if invalid. */
export function checkEmail(raw: string, field: string): string {
  const email = normalizeEmail(raw);
  if (!isValidEmail(email)) throw new BadRequestError(field, `${field} must be a valid email address`);
  return email;
}

/** Marks a field the caller cannot do without. */
export function required<T>(value: T | undefined, field: string): T {
  if (value === undefined) throw new BadRequestError(field, `${field} is required`);
  return value;
}

/** False for lone surrogates, which UTF-8 would silently turn into U+FFFD. */
function isWellFormed(value: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
}
