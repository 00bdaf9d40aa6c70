import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../src/config";
import { createMailer, MailDeliveryError, type MailMessage } from "../src/mail";

// Each test uses its own API key: the stand-in records and steers requests per key, so test
// files running in parallel never see or consume each other's sends.
const STAND_IN_URL = (env as unknown as Record<string, string>).MAILCHANNELS_API_URL!;
const standIn = (path: string) => new URL(path, STAND_IN_URL).href;

interface Recorded {
  url: string;
  headers: Record<string, string>;
  /** The JSON the mailer sent; the tests compare it whole or by these fields. */
  body: { from: unknown; personalizations: object[] };
}

function freshApiKey(): string {
  return `test-key-${crypto.randomUUID()}`;
}

function mailchannelsConfig(apiKey: string, overrides: Record<string, string> = {}) {
  return parseConfig({ ...env, MAILER: "mailchannels", MAILCHANNELS_API_KEY: apiKey, ...overrides });
}

async function sentWith(apiKey: string): Promise<Recorded[]> {
  const res = await fetch(standIn(`/__sent?apiKey=${encodeURIComponent(apiKey)}`));
  return res.json();
}

async function answerNextSend(apiKey: string, status: number, delayMs = 0, headers?: Record<string, string>): Promise<void> {
  const res = await fetch(standIn("/__control"), { method: "POST", body: JSON.stringify({ apiKey, status, delayMs, headers }) });
  expect(res.ok).toBe(true);
}

const TOKEN = "AAAAsecretTOKENvalueZZZZ";
const CODE = "918273";
const message: MailMessage = {
  to: "reader@mail.example.org",
  subject: "Sign in to sesame-edge",
  text: `Your code: ${CODE}\nhttp://localhost:8787/.sesame/link?sesame=${TOKEN}\n`,
  html: `<p>${CODE}</p><a href="http://localhost:8787/.sesame/link?sesame=${TOKEN}">Sign in</a>`,
};

async function deliveryError(promise: Promise<unknown>): Promise<MailDeliveryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailDeliveryError);
  return error as MailDeliveryError;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("MailChannels mailer", () => {
  it("posts the exact MailChannels request: URL, X-Api-Key, sender, recipient, subject, text then HTML", async () => {
    const apiKey = freshApiKey();
    await createMailer(mailchannelsConfig(apiKey, { MAIL_FROM_NAME: "Sesame Login" }), env).send(message);

    const [request, ...others] = await sentWith(apiKey);
    expect(others).toHaveLength(0);
    expect(request!.url).toBe("/tx/v1/send");
    expect(request!.headers["x-api-key"]).toBe(apiKey);
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.body).toEqual({
      personalizations: [{ to: [{ email: "reader@mail.example.org" }] }],
      from: { email: "login@example.com", name: "Sesame Login" },
      subject: "Sign in to sesame-edge",
      content: [
        { type: "text/plain", value: message.text },
        { type: "text/html", value: message.html },
      ],
    });
  });

  it("names the sender after APP_NAME when MAIL_FROM_NAME is not set", async () => {
    const apiKey = freshApiKey();
    await createMailer(mailchannelsConfig(apiKey, { APP_NAME: "Acme Portal" }), env).send(message);
    const [request] = await sentWith(apiKey);
    expect(request!.body.from).toEqual({ email: "login@example.com", name: "Acme Portal" });
  });

  it("adds the DKIM fields to the personalization only when all three are configured", async () => {
    const apiKey = freshApiKey();
    const dkim = { DKIM_DOMAIN: "example.com", DKIM_SELECTOR: "mcdkim", DKIM_PRIVATE_KEY: "MIIEvQIBADANBgkq" };
    await createMailer(mailchannelsConfig(apiKey, dkim), env).send(message);
    const [request] = await sentWith(apiKey);
    expect(request!.body.personalizations).toEqual([
      {
        to: [{ email: "reader@mail.example.org" }],
        dkim_domain: "example.com",
        dkim_selector: "mcdkim",
        dkim_private_key: "MIIEvQIBADANBgkq",
      },
    ]);
  });

  it("sends no DKIM field at all when DKIM is not configured", async () => {
    const apiKey = freshApiKey();
    await createMailer(mailchannelsConfig(apiKey), env).send(message);
    const [request] = await sentWith(apiKey);
    expect(Object.keys(request!.body.personalizations[0]!).sort()).toEqual(["to"]);
  });

  it("resolves on any 2xx answer", async () => {
    const apiKey = freshApiKey();
    await answerNextSend(apiKey, 200);
    await expect(createMailer(mailchannelsConfig(apiKey), env).send(message)).resolves.toEqual({ provider: "mailchannels", earlier: [] });
  });

  it("turns a 4xx answer into provider_rejected with the status", async () => {
    const apiKey = freshApiKey();
    await answerNextSend(apiKey, 403);
    const error = await deliveryError(createMailer(mailchannelsConfig(apiKey), env).send(message));
    expect(error.code).toBe("provider_rejected");
    expect(error.status).toBe(403);
  });

  it("turns a 5xx answer into provider_failed with the status", async () => {
    const apiKey = freshApiKey();
    await answerNextSend(apiKey, 502);
    const error = await deliveryError(createMailer(mailchannelsConfig(apiKey), env).send(message));
    expect(error.code).toBe("provider_failed");
    expect(error.status).toBe(502);
  });

  it("gives up after MAIL_TIMEOUT with a timeout error and no status", async () => {
    const apiKey = freshApiKey();
    await answerNextSend(apiKey, 202, 3000);
    const started = Date.now();
    const error = await deliveryError(createMailer(mailchannelsConfig(apiKey, { MAIL_TIMEOUT: "1" }), env).send(message));
    expect(error.code).toBe("timeout");
    expect(error.status).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2900);
  });

  it("reports a provider that cannot be reached as a network error", async () => {
    const apiKey = freshApiKey();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const config = mailchannelsConfig(apiKey, { MAILCHANNELS_API_URL: "http://127.0.0.1:9/tx/v1/send" });
    const error = await deliveryError(createMailer(config, env).send(message));
    expect(error.code).toBe("network");
  });

  it("never follows a redirect, which would carry the API key elsewhere: 3xx is provider_failed", async () => {
    const apiKey = freshApiKey();
    // Were it followed, the stand-in would see a second request with the key, and answer 202.
    await answerNextSend(apiKey, 307, 0, { Location: standIn("/tx/v1/send?redirected=1") });
    const error = await deliveryError(createMailer(mailchannelsConfig(apiKey), env).send(message));
    expect(error.code).toBe("provider_failed");
    expect(error.status).toBe(307);
    expect((await sentWith(apiKey)).map((r) => r.url)).toEqual(["/tx/v1/send"]);
  });

  it("does not retry a failed send: the provider sees exactly one request", async () => {
    const apiKey = freshApiKey();
    await answerNextSend(apiKey, 503);
    await deliveryError(createMailer(mailchannelsConfig(apiKey), env).send(message));
    expect(await sentWith(apiKey)).toHaveLength(1);
  });

  it("logs each failure as one JSON line with code, status and the recipient's domain, never the link, code or token", async () => {
    const lines: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    }
    const apiKey = freshApiKey();
    await answerNextSend(apiKey, 422);
    await deliveryError(createMailer(mailchannelsConfig(apiKey), env).send(message));
    await answerNextSend(apiKey, 500);
    await deliveryError(createMailer(mailchannelsConfig(apiKey), env).send(message));
    await answerNextSend(apiKey, 202, 3000);
    await deliveryError(createMailer(mailchannelsConfig(apiKey, { MAIL_TIMEOUT: "1" }), env).send(message));

    expect(lines).toHaveLength(3);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      {
        level: "error",
        msg: "mail_delivery_failed",
        provider: "mailchannels",
        code: "provider_rejected",
        status: 422,
        recipientDomain: "mail.example.org",
      },
      {
        level: "error",
        msg: "mail_delivery_failed",
        provider: "mailchannels",
        code: "provider_failed",
        status: 500,
        recipientDomain: "mail.example.org",
      },
      {
        level: "error",
        msg: "mail_delivery_failed",
        provider: "mailchannels",
        code: "timeout",
        status: null,
        recipientDomain: "mail.example.org",
      },
    ]);
    for (const line of lines) {
      expect(line).not.toContain(TOKEN);
      expect(line).not.toContain(CODE);
      expect(line).not.toContain("sesame=");
      expect(line).not.toContain("reader@");
      expect(line).not.toContain(apiKey);
    }
  });

  it("refuses a recipient or subject holding CR or LF before anything is sent", async () => {
    const apiKey = freshApiKey();
    const mailer = createMailer(mailchannelsConfig(apiKey), env);
    await expect(mailer.send({ ...message, to: "a@example.com\r\nBcc: victim@example.com" })).rejects.toThrow(TypeError);
    await expect(mailer.send({ ...message, subject: "Hi\nBcc: victim@example.com" })).rejects.toThrow(TypeError);
    expect(await sentWith(apiKey)).toHaveLength(0);
  });
});
