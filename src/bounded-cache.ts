/**
 * The per-isolate caches (assertions, verified tokens and session cookies, revocation
 * answers) are Maps bounded in size: a Map iterates in insertion order, so its first key is
 * the least recently set.
 */

/** Sets `key` as the newest entry, first dropping the oldest one when `cache` already holds `max`. */
export function setBounded<K, V>(cache: Map<K, V>, key: K, value: V, max: number): void {
  cache.delete(key);
  // biome-ignore lint/style/noNonNullAssertion: a full cache (size >= max > 0) has a first key
  if (cache.size >= max) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}
