/**
 * MAILER=cloudflare (Email Service's send_email binding) and MAILER lists with failover
 * (docs/mail.md). Failures use a binding of our own that throws the documented coded errors
 * (test/support/email-binding.ts) and the MailChannels stand-in; the success path also runs
 * through the local simulator's real binding.
 */
import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import mailDoc from "../docs/mail.md?raw";
import { parseConfig } from "../src/config";
import { createMailer, MailDeliveryError, type MailMessage } from "../src/mail";
import { askForLink, linkFields, makeUser, PREFIX, postForm, rows, workerWith } from "./login-helpers";
import { type BindingAnswer, recordingEmailBinding } from "./support/email-binding";

const STAND_IN_URL = (env as unknown as Record<string, string>).MAILCHANNELS_API_URL!;
const standIn = (path: string) => new URL(path, STAND_IN_URL).href;
const freshApiKey = () => `failover-key-${crypto.randomUUID()}`;

async function mailchannelsGot(apiKey: string): Promise<{ body: { content: { value: string }[] } }[]> {
  return (await fetch(standIn(`/__sent?apiKey=${encodeURIComponent(apiKey)}`))).json();
}
async function answerNextSend(apiKey: string, status: number, delayMs = 0): Promise<void> {
  expect((await fetch(standIn("/__control"), { method: "POST", body: JSON.stringify({ apiKey, status, delayMs }) })).ok).toBe(true);
}

const message: MailMessage = {
  to: "reader@mail.example.org",
  subject: "Sign in to sesame-edge",
  text: "Your code: 918273\nhttp://localhost:8787/.sesame/link?sesame=TOKEN\n",
  html: '<p>918273</p><a href="http://localhost:8787/.sesame/link?sesame=TOKEN">Sign in</a>',
};

function mailerFor(mailer: string, binding: unknown, overrides: Record<string, string> = {}) {
  const apiKey = freshApiKey();
  const config = parseConfig({ ...env, MAILER: mailer, MAILCHANNELS_API_KEY: apiKey, EMAIL: binding, ...overrides } as never);
  return { apiKey, mailer: createMailer(config, { DB: env.DB, EMAIL: binding }) };
}

async function failure(promise: Promise<unknown>): Promise<MailDeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailDeliveryError);
  return error as MailDeliveryError;
}

afterEach(() => vi.restoreAllMocks());

/** The rows of docs/mail.md's failover table: provider, failure, moves on. */
const TABLE = [...mailDoc.matchAll(/^\| (cloudflare|mailchannels) \| (.+?) \| (yes|no) \|/gm)].map((m) => ({
  provider: m[1] as "cloudflare" | "mailchannels",
  failure: m[2]!.replaceAll("`", ""),
  movesOn: m[3] === "yes",
}));

describe("MAILER=cloudflare", () => {
  it("sends through the local simulator's real EMAIL binding and reports the provider", async () => {
    const { mailer } = mailerFor("cloudflare", env.EMAIL);
    await expect(mailer.send(message)).resolves.toEqual({ provider: "cloudflare", earlier: [] });
  });

  it("signs a person in end to end through the simulator binding, audited as sent by cloudflare", async () => {
    const cloudflare = workerWith({ MAILER: "cloudflare" });
    const user = await makeUser();
    expect((await askForLink(user.email, { fetcher: cloudflare })).status).toBe(200);
    const [event] = await rows<{ detail: string }>(
      "SELECT detail FROM auth_events WHERE event = 'email_sent' AND user_id = ? ORDER BY id DESC LIMIT 1",
      user.id,
    );
    expect(JSON.parse(event!.detail)).toMatchObject({ provider: "cloudflare" });
  });

  it("hands the binding the sender, recipient, subject and both parts", async () => {
    const binding = recordingEmailBinding();
    const { mailer } = mailerFor("cloudflare", binding, { MAIL_FROM: "login@acme.example", MAIL_FROM_NAME: "Acme" });
    await mailer.send({ ...message, language: "de" });
    expect(binding.sent).toEqual([
      {
        from: { email: "login@acme.example", name: "Acme" },
        to: message.to,
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers: { "Content-Language": "de" },
      },
    ]);
  });

  it("turns a coded binding error into a MailDeliveryError keeping the code, and logs no address", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    const { mailer } = mailerFor("cloudflare", recordingEmailBinding([{ code: "E_RECIPIENT_SUPPRESSED" }]));
    const error = await failure(mailer.send(message));
    expect(error).toMatchObject({
      code: "provider_rejected",
      provider: "cloudflare",
      providerCode: "E_RECIPIENT_SUPPRESSED",
      movesOn: false,
    });
    expect(lines.join("\n")).not.toContain(message.to);
    expect(lines.join("\n")).not.toContain("918273");
  });

  it("gives up on a binding that never answers after MAIL_TIMEOUT", async () => {
    const { mailer } = mailerFor("cloudflare", recordingEmailBinding(["hang"]), { MAIL_TIMEOUT: "1" });
    const started = Date.now();
    expect(await failure(mailer.send(message))).toMatchObject({ code: "timeout", movesOn: true });
    expect(Date.now() - started).toBeLessThan(2500);
  });
});

describe("docs/mail.md's failover table", () => {
  it("lists every code and status the code knows", () => {
    expect(TABLE.filter((row) => row.provider === "cloudflare").length).toBeGreaterThanOrEqual(20);
    expect(TABLE.filter((row) => row.provider === "mailchannels").length).toBeGreaterThanOrEqual(10);
  });

  it.each(TABLE.filter((row) => row.provider === "cloudflare"))(
    "cloudflare then mailchannels: $failure moves on = $movesOn",
    async ({ failure: what, movesOn }) => {
      vi.spyOn(console, "error").mockImplementation(() => {});
      const answer: BindingAnswer = what === "timeout" ? "hang" : what.startsWith("E_") ? { code: what } : { code: "" };
      const binding = recordingEmailBinding([answer]);
      const { apiKey, mailer } = mailerFor("cloudflare,mailchannels", binding, { MAIL_TIMEOUT: "1" });
      const sending = mailer.send(message);
      if (movesOn) {
        const receipt = await sending;
        expect(receipt.provider).toBe("mailchannels");
        expect(receipt.earlier.map((e) => e.provider)).toEqual(["cloudflare"]);
        expect(await mailchannelsGot(apiKey)).toHaveLength(1);
      } else {
        expect((await failure(sending)).movesOn).toBe(false);
        expect(await mailchannelsGot(apiKey)).toHaveLength(0);
      }
      expect(binding.sent).toHaveLength(1);
    },
  );

  it.each(TABLE.filter((row) => row.provider === "mailchannels"))(
    "mailchannels then cloudflare: $failure moves on = $movesOn",
    async ({ failure: what, movesOn }) => {
      vi.spyOn(console, "error").mockImplementation(() => {});
      const binding = recordingEmailBinding();
      const overrides: Record<string, string> = { MAIL_TIMEOUT: "1" };
      if (what === "network") overrides.MAILCHANNELS_API_URL = "http://127.0.0.1:9/tx/v1/send";
      const { apiKey, mailer } = mailerFor("mailchannels,cloudflare", binding, overrides);
      if (what === "timeout") await answerNextSend(apiKey, 202, 3000);
      else if (/^\d{3}$/.test(what)) await answerNextSend(apiKey, Number(what));
      const sending = mailer.send(message);
      if (movesOn) {
        expect((await sending).provider).toBe("cloudflare");
        expect(binding.sent).toHaveLength(1);
      } else {
        expect((await failure(sending)).movesOn).toBe(false);
        expect(binding.sent).toHaveLength(0);
      }
    },
  );
});

describe("failover through the sign-in flow", () => {
  it("resends the same message, same link and code, through the next provider, audits both attempts, and the link works", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const apiKey = freshApiKey();
    const binding = recordingEmailBinding([{ code: "E_RATE_LIMIT_EXCEEDED" }]);
    const edge = workerWith({ MAILER: "cloudflare,mailchannels", MAILCHANNELS_API_KEY: apiKey, EMAIL: binding });
    const user = await makeUser();
    expect((await askForLink(user.email, { fetcher: edge })).status).toBe(200);

    const [viaMailChannels] = await mailchannelsGot(apiKey);
    const [text, html] = viaMailChannels!.body.content.map((part: { value: string }) => part.value);
    expect(binding.sent).toHaveLength(1);
    expect(text).toBe(binding.sent[0]!.text);
    expect(html).toBe(binding.sent[0]!.html);

    const events = await rows<{ event: string; reason: string | null; detail: string }>(
      "SELECT event, reason, detail FROM auth_events WHERE user_id = ? AND event LIKE 'email_%' ORDER BY id",
      user.id,
    );
    expect(events.map((e) => [e.event, e.reason])).toEqual([
      ["email_failover", "provider_rejected"],
      ["email_sent", null],
    ]);
    expect(JSON.parse(events[0]!.detail)).toMatchObject({ provider: "cloudflare", providerCode: "E_RATE_LIMIT_EXCEEDED" });
    expect(JSON.parse(events[1]!.detail)).toMatchObject({ provider: "mailchannels" });

    const link = /https?:\/\/\S+\/link\?sesame=\S+/.exec(text ?? "")![0];
    expect((await postForm(`${PREFIX}/link`, linkFields(link), { fetcher: edge })).status).toBe(303);
  });

  it("does not ask the next provider about a refused address, and tells the person to try again", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const apiKey = freshApiKey();
    const binding = recordingEmailBinding([{ code: "E_RECIPIENT_SUPPRESSED" }]);
    const edge = workerWith({ MAILER: "cloudflare,mailchannels", MAILCHANNELS_API_KEY: apiKey, EMAIL: binding });
    const user = await makeUser();
    const res = await askForLink(user.email, { fetcher: edge });
    expect(res.status).toBe(503);
    expect(await mailchannelsGot(apiKey)).toHaveLength(0);
    const [event] = await rows<{ reason: string; detail: string }>(
      "SELECT reason, detail FROM auth_events WHERE user_id = ? AND event = 'email_failed'",
      user.id,
    );
    expect(JSON.parse(event!.detail)).toMatchObject({ provider: "cloudflare", providerCode: "E_RECIPIENT_SUPPRESSED" });
  });

  it("audits every attempt when all providers fail, and leaves no live code", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const apiKey = freshApiKey();
    await answerNextSend(apiKey, 503);
    const edge = workerWith({
      MAILER: "cloudflare,mailchannels",
      MAILCHANNELS_API_KEY: apiKey,
      EMAIL: recordingEmailBinding([{ code: "E_INTERNAL_SERVER_ERROR" }]),
    });
    const user = await makeUser();
    expect((await askForLink(user.email, { fetcher: edge })).status).toBe(503);
    const events = await rows<{ event: string; reason: string }>(
      "SELECT event, reason FROM auth_events WHERE user_id = ? AND event LIKE 'email_%' ORDER BY id",
      user.id,
    );
    expect(events).toEqual([
      { event: "email_failover", reason: "provider_failed" },
      { event: "email_failed", reason: "provider_failed" },
    ]);
    expect(await rows("SELECT id FROM login_requests WHERE email = ?", user.email)).toEqual([]);
  });
});

describe("MAILER configuration", () => {
  const problems = (overrides: Record<string, unknown>) => {
    try {
      parseConfig({ ...env, MAILCHANNELS_API_KEY: "k", ...overrides } as never);
      return [];
    } catch (error) {
      return (error as { problems: string[] }).problems;
    }
  };

  it("accepts a list of real providers", () => expect(problems({ MAILER: "cloudflare, mailchannels" })).toEqual([]));
  it("never allows dev in a list", () =>
    expect(problems({ MAILER: "cloudflare,dev" }).join()).toMatch(/MAILER=dev .* cannot be part of a list/));
  it("refuses a provider named twice", () => expect(problems({ MAILER: "mailchannels,mailchannels" }).join()).toMatch(/twice/));
  it("refuses cloudflare without the EMAIL binding", () =>
    expect(problems({ MAILER: "cloudflare", EMAIL: undefined }).join()).toMatch(/send_email binding EMAIL/));
});
