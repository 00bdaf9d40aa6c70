/**
 * Attacker text in emails (docs/security.md): whoever asks for a sign-in email chooses the
 * User-Agent it describes, so only recognised browser and system names may reach the inbox.
 * Checked through POST /login, at the dev mailbox and at the MailChannels stand-in.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { askForLink, EDGE, latestMail, makeUser, PREFIX, worker, workerWith } from "./login-helpers";

const LURE = "ACCOUNT LOCKED - verify now at https://evil.example/unlock";
const STAND_IN = (env as unknown as Record<string, string>).MAILCHANNELS_API_URL!;

describe("the sign-in email's browser line", () => {
  it("never carries the User-Agent's own text (dev mailbox)", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email, { headers: { Origin: EDGE, "User-Agent": LURE } })).status).toBe(200);
    const { text } = await latestMail(user.email);
    expect(text).toContain("This request came from an unrecognised browser at IP address");
    const mailbox = await worker(`${PREFIX}/dev/mailbox?to=${encodeURIComponent(user.email)}`, { headers: { Accept: "application/json" } });
    const raw = await mailbox.text();
    expect(raw).not.toContain("ACCOUNT LOCKED");
    expect(raw).not.toContain("evil.example");
  });

  it("never carries the User-Agent's own text in either part sent to the provider (MailChannels)", async () => {
    const apiKey = `user-agent-${crypto.randomUUID()}`;
    const fetcher = workerWith({ MAILER: "mailchannels", MAILCHANNELS_API_KEY: apiKey });
    const user = await makeUser();
    expect((await askForLink(user.email, { fetcher, headers: { Origin: EDGE, "User-Agent": LURE } })).status).toBe(200);
    const sent = await (await fetch(new URL(`/__sent?apiKey=${encodeURIComponent(apiKey)}`, STAND_IN))).text();
    expect(sent).toContain("an unrecognised browser");
    expect(sent).not.toContain("ACCOUNT LOCKED");
    expect(sent).not.toContain("evil.example");
  });

  it("names a recognised browser and system", async () => {
    const user = await makeUser();
    const chrome = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    await askForLink(user.email, { headers: { Origin: EDGE, "User-Agent": chrome } });
    expect((await latestMail(user.email)).text).toContain("This request came from Chrome on macOS at IP address");
  });

  it("says an unrecognised browser in the email's language, still without the User-Agent's text", async () => {
    const user = await makeUser();
    const lure = `Mozilla/5.0 (Windows NT 10.0) ${LURE}`;
    await askForLink(user.email, { headers: { Origin: EDGE, "User-Agent": lure, "Accept-Language": "de" } });
    const { text } = await latestMail(user.email);
    expect(text).toContain("Diese Anfrage kam von einem nicht erkannten Browser unter Windows mit der IP-Adresse");
    expect(text).not.toContain("evil.example");
  });
});
