/** Anything that lists its parameters, a repeated one as often as it was sent: a query, a form (src/login/form.ts). */
export interface ParamNames {
  forEach(callback: (value: unknown, name: string) => void): void;
}

/** The first parameter that appears more than once (RFC 6749 section 3.1: none may), or null. */
export function repeatedParam(params: ParamNames): string | null {
  const seen = new Set<string>();
  let repeated: string | null = null;
  params.forEach((_value, name) => {
    if (repeated === null && seen.has(name)) repeated = name;
    seen.add(name);
  });
  return repeated;
}
