/**
 * Who may read the dev mailbox (docs/security.md, "The dev mailbox"): anyone when PUBLIC_URL
 * is loopback or `*.localhost`, only the holder of the token `npm run dev` prints when it is
 * a private-network address. The request's own URL, Host and CF-Connecting-IP never count.
 */
import { describe, expect, it } from "vitest";
import { devMailboxToken } from "../src/http/dev-hosts";
import { workerWith } from "./login-helpers";

const MAILBOX = "/.sesame/dev/mailbox";

function asLocalClient(fetcher: ReturnType<typeof workerWith>, query = ""): Promise<Response> {
  // The edge is reached as http://localhost:8787 here, from a loopback CF-Connecting-IP.
  return fetcher(`${MAILBOX}${query}`, { headers: { Accept: "application/json", Host: "localhost", "CF-Connecting-IP": "127.0.0.1" } });
}

describe("the dev mailbox", () => {
  it("is open without a token when PUBLIC_URL is loopback or *.localhost", async () => {
    for (const publicUrl of ["http://localhost:8787", "http://wiki.localhost:8787", "http://127.0.0.1:8787", "http://[::1]:8787"]) {
      const res = await asLocalClient(workerWith({ PUBLIC_URL: publicUrl }));
      expect([publicUrl, res.status]).toEqual([publicUrl, 200]);
    }
  });

  it("asks for the token on a private-network PUBLIC_URL, whatever Host or client address the request claims", async () => {
    for (const publicUrl of ["http://192.168.1.20:8787", "http://10.0.0.5:8787", "http://172.16.0.9"]) {
      const lan = workerWith({ PUBLIC_URL: publicUrl });
      const token = await devMailboxToken(lan.config.secrets.sesame[0]!);
      const refused = [
        await asLocalClient(lan),
        await asLocalClient(lan, "?token="),
        await asLocalClient(lan, `?token=${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`),
      ];
      expect([publicUrl, ...refused.map((r) => r.status)]).toEqual([publicUrl, 403, 403, 403]);
      expect(await refused[0]!.json()).toMatchObject({ error: "dev_mailbox_token" });
      expect((await asLocalClient(lan, `?token=${token}`)).status).toBe(200);
      const cleared = await lan(`${MAILBOX}?token=${token}`, { method: "DELETE" });
      expect(cleared.status).toBe(200);
      expect((await lan(MAILBOX, { method: "DELETE" })).status).toBe(403);
    }
  });

  it("derives a different token from a different secret", async () => {
    const a = workerWith({ PUBLIC_URL: "http://192.168.1.20:8787", SESAME_SECRET: "a".repeat(43) });
    const b = workerWith({ PUBLIC_URL: "http://192.168.1.20:8787", SESAME_SECRET: "b".repeat(43) });
    const tokenA = await devMailboxToken(a.config.secrets.sesame[0]!);
    expect(tokenA).not.toBe(await devMailboxToken(b.config.secrets.sesame[0]!));
    expect((await asLocalClient(b, `?token=${tokenA}`)).status).toBe(403);
  });
});
