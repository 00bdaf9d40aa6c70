/**
 * The mail provider failing (MAILER=mailchannels against the local stand-in, steered per API
 * key): 4xx, 5xx, a hang past MAIL_TIMEOUT, a refused connection. The user sees "could not
 * send, try again"; no session starts; the pending code is gone; the audit says
 * email_failed with the reason; and no log line holds the link's token or the code, which
 * the stand-in saw (it records every request, whatever it answers).
 */
import { describe, expect, it } from "vitest";
import { extractLoginDetails } from "../../src/mail/extract-login-details";
import { askForLink, linkFields, makeUser, PREFIX, postForm, rows, sessionCookie } from "../login-helpers";
import { MAIL_STAND_IN_URL, workerWithBindings } from "./support/fault-worker";
import { captureProductLogs, reportFigures } from "./support/figures";

const logs = captureProductLogs();
const standIn = (path: string) => new URL(path, MAIL_STAND_IN_URL).href;

interface Sent {
  body: { content: { type: string; value: string }[] };
}

async function sentWith(apiKey: string): Promise<Sent[]> {
  return (await fetch(standIn(`/__sent?apiKey=${encodeURIComponent(apiKey)}`))).json();
}

async function answerNextSend(apiKey: string, status: number, delayMs = 0): Promise<void> {
  const res = await fetch(standIn("/__control"), { method: "POST", body: JSON.stringify({ apiKey, status, delayMs }) });
  expect(res.ok).toBe(true);
}

/** A worker that mails through the stand-in with its own API key, giving up after 1 s. */
function mailchannelsWorker(overrides: Record<string, string> = {}) {
  const apiKey = `reliability-${crypto.randomUUID()}`;
  const worker = workerWithBindings({ MAILER: "mailchannels", MAILCHANNELS_API_KEY: apiKey, MAIL_TIMEOUT: "1", ...overrides });
  return { apiKey, worker };
}

async function eventsOf(userId: string) {
  return rows<{ event: string; reason: string | null }>("SELECT event, reason FROM auth_events WHERE user_id = ? ORDER BY id", userId);
}

/** True when `text` holds `code` as a whole number (not inside a longer run of digits, like a timestamp). */
function holdsCode(text: string, code: string): boolean {
  return new RegExp(`(?<!\\d)${code}(?!\\d)`).test(text);
}

const FAILURES = [
  { name: "403 (provider refuses)", status: 403, delayMs: 0, reason: "provider_rejected" },
  { name: "422 (provider refuses the message)", status: 422, delayMs: 0, reason: "provider_rejected" },
  { name: "500 (provider fails)", status: 500, delayMs: 0, reason: "provider_failed" },
  { name: "503 (provider overloaded)", status: 503, delayMs: 0, reason: "provider_failed" },
  { name: "a hang past MAIL_TIMEOUT=1", status: 202, delayMs: 3000, reason: "timeout" },
];

describe("the mail provider failing", () => {
  for (const failure of FAILURES) {
    it(`answers ${failure.name} with the retry page, no session, no pending code, email_failed in the audit and nothing secret in the logs`, async () => {
      const { apiKey, worker } = mailchannelsWorker();
      const user = await makeUser();
      await answerNextSend(apiKey, failure.status, failure.delayMs);
      logs.clear();

      const started = Date.now();
      const res = await askForLink(user.email, { fetcher: worker });
      const elapsedMs = Date.now() - started;
      const page = await res.text();

      expect(res.status).toBe(503);
      expect(page).toContain("Email not sent");
      expect(page).toContain("We could not send the email. Please try again.");
      expect(page).toContain(`href="${PREFIX}/login?next=%2F"`);
      if (failure.reason === "timeout") expect(elapsedMs).toBeLessThan(2500);

      // What the provider was handed: the secrets that must appear nowhere else.
      const [sent, ...more] = await sentWith(apiKey);
      expect(more).toHaveLength(0);
      const { link, code } = extractLoginDetails(sent!.body.content[0]!.value);
      const token = new URL(link!).searchParams.get("sesame")!;
      expect(token.length).toBeGreaterThan(40);
      for (const text of [page, ...logs.lines]) {
        expect(text).not.toContain(token);
        expect(text).not.toContain("sesame=");
        expect(holdsCode(text, code!)).toBe(false);
      }
      expect(logs.lines.some((line) => line.includes('"msg":"mail_delivery_failed"') && line.includes(`"code":"${failure.reason}"`))).toBe(
        true,
      );

      expect(await eventsOf(user.id)).toEqual([
        { event: "link_requested", reason: null },
        { event: "email_failed", reason: failure.reason },
      ]);
      expect(await rows("SELECT id FROM login_requests WHERE email = ?", user.email)).toHaveLength(0);
      expect(await rows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toHaveLength(0);
      reportFigures(`mail ${failure.name}`, {
        status: res.status,
        elapsedMs,
        auditReason: failure.reason,
        secretsInLogs: 0,
        logLines: logs.lines.length,
      });
    });
  }

  it("answers a provider that refuses connections with the retry page and email_failed (network)", async () => {
    const { worker } = mailchannelsWorker({ MAILCHANNELS_API_URL: "http://127.0.0.1:9/tx/v1/send" });
    const user = await makeUser();
    logs.clear();
    const res = await askForLink(user.email, { fetcher: worker });
    const page = await res.text();
    expect(res.status).toBe(503);
    expect(page).toContain("We could not send the email. Please try again.");
    expect(logs.lines.some((line) => line.includes("sesame="))).toBe(false);
    expect((await eventsOf(user.id)).at(-1)).toEqual({ event: "email_failed", reason: "network" });
    expect(await rows("SELECT id FROM sessions WHERE user_id = ?", user.id)).toHaveLength(0);
    reportFigures("mail connection refused", { status: res.status, auditReason: "network" });
  });

  it("sends and signs in normally on the next try once the provider answers again", async () => {
    const { apiKey, worker } = mailchannelsWorker();
    const user = await makeUser();
    await answerNextSend(apiKey, 502);
    const failed = await askForLink(user.email, { fetcher: worker });
    await failed.body?.cancel();
    expect(failed.status).toBe(503);

    const retried = await askForLink(user.email, { fetcher: worker });
    await retried.body?.cancel();
    expect(retried.status).toBe(200);
    const sent = await sentWith(apiKey);
    expect(sent).toHaveLength(2);
    const { link } = extractLoginDetails(sent[1]!.body.content[0]!.value);
    const redeemed = await postForm(`${PREFIX}/link`, linkFields(link!), { fetcher: worker });
    expect(redeemed.status).toBe(303);
    expect(sessionCookie(redeemed)).not.toBeNull();
    expect((await eventsOf(user.id)).map((e) => e.event)).toEqual([
      "link_requested",
      "email_failed",
      "link_requested",
      "email_sent",
      "link_redeemed",
      "session_created",
    ]);
  });
});
