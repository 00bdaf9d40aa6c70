/**
 * Error types with stable codes. Handlers throw these; the one `onError` in index.ts turns
 * them into responses (HTML for browsers, JSON for API clients), always `no-store`.
 * Internal detail (config problems, failure reasons) goes to logs, never onto the wire.
 */
import { CATALOGUES, type PlainMessageKey } from "./i18n";

export class AppError extends Error {
  // Each error names itself: the bundle is built without keepNames (wrangler.toml), and esbuild
  // may rename a class (`_BadRequestError`), so a name read from the class could differ.
  override name = "AppError";
  constructor(
    /** Stable, machine-readable code: clients switch on this, never on the message. */
    readonly code: string,
    readonly status: number,
    /** Safe to show to the client. */
    message: string,
    /** The offending input field, for 400s. */
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * 400: the request is malformed; names the field. `pageMessage`: what a browser's error page
 * says instead of the generic "could not be read", in the reader's language.
 */
export class BadRequestError extends AppError {
  override name = "BadRequestError";
  constructor(
    field: string,
    message: string,
    readonly pageMessage?: PlainMessageKey,
  ) {
    super("invalid_request", 400, message, field);
  }

  /** A refusal people read: the English message for scripts, `key` in the reader's language on the page. */
  static translated(field: string, key: PlainMessageKey): BadRequestError {
    return new BadRequestError(field, CATALOGUES.en[key], key);
  }
}

/** 413: a body over its limit (src/http/read-body.ts); the limit is in the message. */
export class PayloadTooLargeError extends AppError {
  override name = "PayloadTooLargeError";
  constructor(readonly maxBytes: number) {
    super("payload_too_large", 413, `The body must be at most ${maxBytes} bytes`, "body");
  }
}

export class NotFoundError extends AppError {
  override name = "NotFoundError";
  constructor(message = "Not found") {
    super("not_found", 404, message);
  }
}

export class ConflictError extends AppError {
  override name = "ConflictError";
  constructor(field: string, message: string) {
    super("conflict", 409, message, field);
  }
}

export class UnauthorizedError extends AppError {
  override name = "UnauthorizedError";
  constructor(message = "Authentication required", headers: Record<string, string> = {}) {
    super("unauthenticated", 401, message, undefined, headers);
  }
}

export class ForbiddenError extends AppError {
  override name = "ForbiddenError";
  constructor(code = "forbidden", message = "Forbidden") {
    super(code, 403, message);
  }
}

export class ServiceUnavailableError extends AppError {
  override name = "ServiceUnavailableError";
  constructor(message = "The service is temporarily unavailable. Please try again shortly.") {
    super("unavailable", 503, message);
  }
}

/**
 * The configuration is invalid: the worker refuses to serve. `problems` name keys, never
 * values, so they are safe to log; the client sees only that the gate is misconfigured.
 */
export class ConfigError extends AppError {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super("misconfigured", 500, "This sign-in gate is misconfigured. The operator has been told why in the logs.");
  }
}
