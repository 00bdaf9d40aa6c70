/**
 * Strict query strings for admin listings, the GET-side twin of json-body.ts: unknown or
 * repeated parameters are refused by name, so a typo (`?emial=`) is an error, not a silently
 * unfiltered listing.
 */
import { BadRequestError } from "../../errors";

/** The request's query, checked against `allowed`; a parameter given twice is ambiguous and refused. */
export function readQuery(url: string, allowed: readonly string[]): URLSearchParams {
  const params = new URL(url).searchParams;
  const seen = new Set<string>();
  params.forEach((_value, key) => {
    const field = key.slice(0, 64);
    if (!allowed.includes(key)) throw new BadRequestError(field, `Unknown query parameter ${JSON.stringify(field)}`);
    if (seen.has(key)) throw new BadRequestError(field, `${field} must be given at most once`);
    seen.add(key);
  });
  return params;
}

/** An integer parameter in [min, max], `fallback` when absent; digits only (no "1e2", no "+5"). */
export function queryInteger(params: URLSearchParams, field: string, min: number, max: number, fallback: number): number;
export function queryInteger(params: URLSearchParams, field: string, min: number, max: number): number | undefined;
export function queryInteger(params: URLSearchParams, field: string, min: number, max: number, fallback?: number) {
  const raw = params.get(field);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (!/^\d{1,16}$/.test(raw) || value < min || value > max) {
    throw new BadRequestError(field, `${field} must be a whole number from ${min} to ${max}`);
  }
  return value;
}
