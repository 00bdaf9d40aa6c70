/**
 * The two rules about "local" hosts, named once (docs/security.md, "Cookie names" and "The
 * dev mailbox"). Both read PUBLIC_URL, the operator's own setting, and never the request:
 * a client can send `Host: localhost` or any `CF-Connecting-IP` it likes.
 */
import { deriveKey, encodeBase64url, hmac } from "../tokens";

/** 127.0.0.0/8 or ::1, as URL.hostname spells them (IPv6 in brackets). */
function isLoopbackAddress(host: string): boolean {
  if (host === "[::1]") return true;
  return ipv4Octets(host)?.[0] === 127;
}

function ipv4Octets(host: string): number[] | null {
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)?.slice(1).map(Number);
  return octets?.every((n) => n <= 255) ? octets : null;
}

/** RFC 1918 IPv4 ranges and IPv6 unique-local (fc00::/7) addresses. */
function isPrivateAddress(host: string): boolean {
  const octets = ipv4Octets(host);
  if (octets) {
    const [a, b] = octets as [number, number];
    return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  }
  return /^\[f[cd][0-9a-f]{2}:/i.test(host);
}

/** `localhost`, any `*.localhost` name (RFC 6761: always this machine) or a loopback address. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || isLoopbackAddress(host);
}

/** A loopback host or a private-network address: what only this machine or its LAN can reach. */
export function isDevHost(hostname: string): boolean {
  return isLoopbackHost(hostname) || isPrivateAddress(hostname.toLowerCase());
}

/**
 * PUBLIC_URL is plain http on a dev host: browsers keep no `Secure` (hence no `__Host-`)
 * cookie there, so the edge's cookies drop both (src/http/cookies.ts).
 */
export function servesPlainHttpDev(publicUrl: URL): boolean {
  return publicUrl.protocol === "http:" && isDevHost(publicUrl.hostname);
}

/**
 * The dev mailbox is open without a token only when PUBLIC_URL is loopback or `*.localhost`:
 * nobody else can reach it. On a private address anyone on the LAN could, so it asks for
 * the token `npm run dev` prints (src/routes/dev-mailbox.tsx).
 */
export function devMailboxIsOpen(publicUrl: URL): boolean {
  return isLoopbackHost(publicUrl.hostname);
}

/**
 * The token that opens the dev mailbox when PUBLIC_URL is a private-network address:
 * derived from SESAME_SECRET, so `npm run dev` can print it (scripts/lib/dev-mailbox.mjs
 * derives the same) and nobody else on the network can guess it.
 */
export async function devMailboxToken(secret: string): Promise<string> {
  const key = await deriveKey(secret, "dev-mailbox");
  return encodeBase64url(await hmac(key, new TextEncoder().encode("sesame-edge/dev-mailbox/token")));
}
