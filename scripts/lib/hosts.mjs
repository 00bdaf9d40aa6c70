/**
 * The worker's rule for loopback hosts (src/http/dev-hosts.ts), for the scripts, which
 * cannot import TypeScript at run time; test/node holds the two to the same answers.
 */

/** `localhost`, `*.localhost`, 127.0.0.0/8 or [::1]. */
export function isLoopbackHost(hostname) {
  const host = hostname.toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host === "[::1]") return true;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)?.slice(1).map(Number);
  return octets?.every((n) => n <= 255) === true && octets[0] === 127;
}
