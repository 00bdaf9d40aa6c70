import { describe, expect, it } from "vitest";
import { parseIp, parseIpRange } from "../../src/access/ip-range";

function inRange(range: string, ip: string): boolean {
  const test = parseIpRange(range);
  const address = parseIp(ip);
  if (!test || !address) throw new Error(`bad input ${range} ${ip}`);
  return test(address);
}

describe("IP ranges", () => {
  it("matches IPv4 addresses inside a range and not outside it", () => {
    expect(inRange("203.0.113.0/24", "203.0.113.7")).toBe(true);
    expect(inRange("203.0.113.0/24", "203.0.114.7")).toBe(false);
    expect(inRange("10.0.0.0/8", "10.255.255.255")).toBe(true);
    expect(inRange("0.0.0.0/0", "198.51.100.1")).toBe(true);
    expect(inRange("198.51.100.1", "198.51.100.1")).toBe(true);
    expect(inRange("198.51.100.1/32", "198.51.100.2")).toBe(false);
  });

  it("matches IPv6 addresses, in every spelling", () => {
    expect(inRange("2001:db8::/32", "2001:db8:1234::1")).toBe(true);
    expect(inRange("2001:db8::/32", "2001:db9::1")).toBe(false);
    expect(inRange("2001:db8:0:0::/64", "2001:0db8:0000:0000:ffff:ffff:ffff:ffff")).toBe(true);
    expect(inRange("::1/128", "::1")).toBe(true);
    expect(inRange("::/0", "fe80::1")).toBe(true);
  });

  it("keeps IPv4 and IPv6 apart, except for IPv4-mapped addresses", () => {
    expect(inRange("::/0", "203.0.113.7")).toBe(true);
    expect(inRange("0.0.0.0/0", "2001:db8::1")).toBe(false);
    expect(inRange("203.0.113.0/24", "::ffff:203.0.113.9")).toBe(true);
  });

  it.each([
    "203.0.113.7/24",
    "203.0.113.0/33",
    "300.0.0.0/8",
    "203.0.113/24",
    "01.2.3.4/32",
    "2001:db8::/129",
    "2001:db8::1/32",
    "1::2::3",
    "x/8",
    "203.0.113.0/",
    "2001:db8:::/32",
  ])("refuses %s", (text) => {
    expect(parseIpRange(text)).toBeNull();
  });

  it("refuses addresses that are not addresses", () => {
    for (const text of ["unknown", "", "1.2.3", "1.2.3.4.5", "::g", "1:2:3:4:5:6:7:8:9"]) expect(parseIp(text)).toBeNull();
    expect(parseIp("1:2:3:4:5:6:1.2.3.4")).not.toBeNull();
  });
});
