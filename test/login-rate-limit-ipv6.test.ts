/**
 * Per-IP rate limits count an IPv6 client by its network prefix (RATE_LIMIT_IPV6_PREFIX,
 * default 64: docs/security.md), so one line cannot take a fresh limit for each of its
 * addresses; the audit log still records the full address.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config";
import { ConfigError } from "../src/errors";
import { askForLink, EDGE, PREFIX, postForm, rows, uniqueEmail, workerWith } from "./login-helpers";
import { inOneWindow } from "./support/one-window";

/** `count` distinct addresses inside the /64 `prefix` (four groups, like "2001:db8:a:1"). */
function addressesIn(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}:${(i * 4099 + 1).toString(16)}:${i.toString(16)}:beef:${(i + 7).toString(16)}`);
}

describe("per-IP rate limits for IPv6 clients", () => {
  it("put every address of one /64 in one login bucket, and another /64 in its own", () =>
    inOneWindow(async () => {
      const fetcher = workerWith({ RATE_LIMIT_LOGIN_PER_IP: "3" });
      const [a, b, c, d, e] = addressesIn("2001:db8:a:1", 5);
      for (const ip of [a, b, c])
        expect((await askForLink(uniqueEmail(), { fetcher, headers: { Origin: EDGE, "CF-Connecting-IP": ip! } })).status, ip).toBe(200);
      for (const ip of [d, e])
        expect((await askForLink(uniqueEmail(), { fetcher, headers: { Origin: EDGE, "CF-Connecting-IP": ip! } })).status, ip).toBe(429);
      for (const ip of addressesIn("2001:db8:a:2", 3)) {
        expect((await askForLink(uniqueEmail(), { fetcher, headers: { Origin: EDGE, "CF-Connecting-IP": ip } })).status, ip).toBe(200);
      }
      const limited = await rows<{ ip: string }>("SELECT ip FROM auth_events WHERE event = 'rate_limited' AND ip IN (?, ?)", d, e);
      expect(limited.map((row) => row.ip).sort()).toEqual([d, e].sort());
    }));

  it("put every address of one /64 in one code bucket", () =>
    inOneWindow(async () => {
      const fetcher = workerWith({ RATE_LIMIT_CODE_PER_IP: "2" });
      const tryCode = (ip: string) =>
        postForm(
          `${PREFIX}/code`,
          { email: uniqueEmail(), code: "000000", next: "/" },
          { fetcher, headers: { Origin: EDGE, "CF-Connecting-IP": ip } },
        );
      const [a, b, c] = addressesIn("2001:db8:c:1", 3);
      for (const ip of [a, b]) expect((await tryCode(ip!)).status, ip).not.toBe(429);
      expect((await tryCode(c!)).status).toBe(429);
      expect((await tryCode("2001:db8:c:2::1")).status).not.toBe(429);
    }));

  it("follow RATE_LIMIT_IPV6_PREFIX: with 128 every address has its own bucket", () =>
    inOneWindow(async () => {
      const own = workerWith({ RATE_LIMIT_LOGIN_PER_IP: "1", RATE_LIMIT_IPV6_PREFIX: "128" });
      for (const ip of addressesIn("2001:db8:b:1", 3)) {
        expect((await askForLink(uniqueEmail(), { fetcher: own, headers: { Origin: EDGE, "CF-Connecting-IP": ip } })).status, ip).toBe(200);
      }
      const shared = workerWith({ RATE_LIMIT_LOGIN_PER_IP: "1" });
      const [first, second] = addressesIn("2001:db8:b:9", 2);
      expect((await askForLink(uniqueEmail(), { fetcher: shared, headers: { Origin: EDGE, "CF-Connecting-IP": first! } })).status).toBe(
        200,
      );
      expect((await askForLink(uniqueEmail(), { fetcher: shared, headers: { Origin: EDGE, "CF-Connecting-IP": second! } })).status).toBe(
        429,
      );
    }));

  it("refuse a RATE_LIMIT_IPV6_PREFIX outside 32 to 128, naming the key", () => {
    const problemsWith = (value: string): string[] => {
      try {
        parseConfig({ ...env, RATE_LIMIT_IPV6_PREFIX: value } as Record<string, unknown>);
        return [];
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
      }
    };
    for (const value of ["31", "129", "64.5", "/64"]) {
      expect(problemsWith(value), value).toEqual(["RATE_LIMIT_IPV6_PREFIX must be a whole number from 32 to 128"]);
    }
    expect(problemsWith("32")).toEqual([]);
    expect(workerWith({ RATE_LIMIT_IPV6_PREFIX: "48" }).config.rateLimit.ipv6PrefixBits).toBe(48);
  });

  it("keep IPv4 clients by their full address", () =>
    inOneWindow(async () => {
      const fetcher = workerWith({ RATE_LIMIT_LOGIN_PER_IP: "1" });
      expect((await askForLink(uniqueEmail(), { fetcher, headers: { Origin: EDGE, "CF-Connecting-IP": "198.51.100.41" } })).status).toBe(
        200,
      );
      expect((await askForLink(uniqueEmail(), { fetcher, headers: { Origin: EDGE, "CF-Connecting-IP": "198.51.100.42" } })).status).toBe(
        200,
      );
      expect((await askForLink(uniqueEmail(), { fetcher, headers: { Origin: EDGE, "CF-Connecting-IP": "198.51.100.41" } })).status).toBe(
        429,
      );
    }));
});
