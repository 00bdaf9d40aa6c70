/** The first parameter that appears more than once (RFC 6749 section 3.1: none may), or null. */
export function repeatedParam(params: URLSearchParams): string | null {
  const seen = new Set<string>();
  let repeated: string | null = null;
  params.forEach((_value, name) => {
    if (repeated === null && seen.has(name)) repeated = name;
    seen.add(name);
  });
  return repeated;
}
