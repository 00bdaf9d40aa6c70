/**
 * `npm run dev` prints the dev mailbox URL (scripts/dev.mjs): with the token exactly when the
 * worker will ask for one, and the token the worker derives. The script cannot import the
 * worker's TypeScript at run time, so this holds its copies of both rules (scripts/lib/hosts.mjs,
 * scripts/lib/dev-mailbox.mjs) to the worker's.
 */
import { describe, expect, it } from "vitest";
import { devMailboxUrl, devMailboxToken as scriptToken } from "../../scripts/lib/dev-mailbox.mjs";
import { isLoopbackHost as scriptIsLoopback } from "../../scripts/lib/hosts.mjs";
import { devMailboxIsOpen, devMailboxToken, isLoopbackHost } from "../../src/http/dev-hosts";

const HOSTS = [
  "localhost",
  "LOCALHOST",
  "wiki.localhost",
  "127.0.0.1",
  "127.255.0.9",
  "[::1]",
  "192.168.1.20",
  "10.0.0.5",
  "172.16.0.1",
  "example.com",
  "localhost.example.com",
  "127.0.0.1.nip.io",
  "300.0.0.1",
];

describe("the dev mailbox URL that npm run dev prints", () => {
  it("uses the worker's rule for loopback hosts", () => {
    expect(HOSTS.map(scriptIsLoopback)).toEqual(HOSTS.map(isLoopbackHost));
    expect(HOSTS.map(scriptIsLoopback)).toEqual([true, true, true, true, true, true, false, false, false, false, false, false, false]);
  });

  it("carries the token the worker derives, and only off loopback", async () => {
    const secret = "s".repeat(43);
    const token = await devMailboxToken(secret);
    expect(scriptToken(secret)).toBe(token);
    expect(devMailboxUrl("http://192.168.1.20:8787", "/.sesame", secret)).toBe(
      `http://192.168.1.20:8787/.sesame/dev/mailbox?token=${token}`,
    );
    expect(devMailboxUrl("http://localhost:8787", "/.sesame", secret)).toBe("http://localhost:8787/.sesame/dev/mailbox");
    expect(devMailboxIsOpen(new URL("http://192.168.1.20:8787"))).toBe(false);
  });
});
