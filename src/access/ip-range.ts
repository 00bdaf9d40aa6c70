/**
 * IP addresses and CIDR ranges, v4 and v6, as 128-bit numbers: an IPv4 address is held as
 * its IPv4-mapped IPv6 form (::ffff:a.b.c.d), so `203.0.113.0/24` also matches a client that
 * Cloudflare reports as `::ffff:203.0.113.7`.
 */
import type { ParsedIp } from "./types";

const V4_MAPPED = 0xffffn << 32n;
const ALL_ONES = (1n << 128n) - 1n;

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseV6(text: string): bigint | null {
  if (!/^[0-9a-f:.]+$/i.test(text)) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  // A dotted IPv4 tail may only end the whole address.
  const groups = (half: string, last: boolean): bigint[] | null => {
    if (half === "") return [];
    const out: bigint[] = [];
    const pieces = half.split(":");
    for (const [i, piece] of pieces.entries()) {
      if (last && i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseV4(piece);
        if (v4 === null) return null;
        out.push(v4 >> 16n, v4 & 0xffffn);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
        out.push(BigInt(`0x${piece}`));
      } else {
        return null;
      }
    }
    return out;
  };
  const [first = "", second] = halves;
  const head = groups(first, second === undefined);
  const tail = second === undefined ? [] : groups(second, true);
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  let value = 0n;
  for (const group of [...head, ...Array<bigint>(missing).fill(0n), ...tail]) value = (value << 16n) | group;
  return value;
}

/** An address as Cloudflare reports it (no brackets, no zone), or null when it is not one. */
export function parseIp(text: string): ParsedIp | null {
  const v4 = parseV4(text);
  if (v4 !== null) return { value: V4_MAPPED | v4, v4: true };
  const v6 = parseV6(text);
  return v6 === null ? null : { value: v6, v4: false };
}

/** A compiled range: does `ip` fall inside? */
export type IpRangeTest = (ip: ParsedIp) => boolean;

/**
 * `203.0.113.0/24`, `2001:db8::/32`, or a single address (a /32 or /128). Null when it is not
 * a range or has bits set below its prefix (`203.0.113.7/24`: almost always a typo).
 */
export function parseIpRange(text: string): IpRangeTest | null {
  const slash = text.indexOf("/");
  const address = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!address) return null;
  const maxBits = address.v4 ? 32 : 128;
  const lengthText = slash === -1 ? String(maxBits) : text.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(lengthText) || Number(lengthText) > maxBits) return null;
  const bits = BigInt(Number(lengthText) + (address.v4 ? 96 : 0));
  const mask = (ALL_ONES << (128n - bits)) & ALL_ONES;
  if ((address.value & mask) !== address.value) return null;
  const network = address.value;
  return (ip) => (ip.value & mask) === network;
}
