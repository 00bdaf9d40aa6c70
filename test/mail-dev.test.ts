import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createApp } from "../src/app";
import { getConfig, parseConfig } from "../src/config";
import { createDb } from "../src/db/client";
import { devMessages } from "../src/db/schema";
import { createMailer, renderLoginEmail } from "../src/mail";
import { createDevMailer, DEV_MESSAGE_TTL_MS, listDevMessages } from "../src/mail/dev";

const MAILBOX = "http://localhost:8787/.sesame/dev/mailbox";
const config = getConfig(env);

function uniqueEmail(name: string): string {
  return `${name}-${crypto.randomUUID().slice(0, 8)}@example.com`;
}

function loginEmailFor(to: string, code = "482915") {
  const link = `http://localhost:8787/.sesame/link?sesame=tok${crypto.randomUUID().replaceAll("-", "")}&next=%2Freports`;
  const email = renderLoginEmail({
    appName: "sesame-edge",
    email: to,
    link,
    code,
    minutes: 10,
    ip: "203.0.113.7",
    userAgent: "curl/8.5.0",
  });
  return { link, code, message: { to, ...email } };
}

async function mailboxJson(query = ""): Promise<{ messages: { to: string; createdAt: string }[] }> {
  const res = await exports.default.fetch(`${MAILBOX}${query}`, { headers: { Accept: "application/json" } });
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toContain("application/json");
  return res.json();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("dev mailer", () => {
  it("stores the message with a 24 hour expiry and prints where to find it, with the link", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    const to = uniqueEmail("stored");
    const { link, message } = loginEmailFor(to);
    const before = Date.now();
    await createMailer(config, env).send(message);

    const rows = await createDb(env.DB).select().from(devMessages).all();
    const row = rows.find((r) => r.to === to)!;
    expect(row).toMatchObject({ subject: message.subject, text: message.text, html: message.html });
    expect(row.expiresAt - row.createdAt).toBe(DEV_MESSAGE_TTL_MS);
    expect(row.createdAt).toBeGreaterThanOrEqual(before);

    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`a message for ${to} is in the dev mailbox at http://localhost:8787/.sesame/dev/mailbox`);
    expect(lines[0]).toContain(link);
  });

  it("prunes expired messages when it stores a new one, and never lists them", async () => {
    const db = createDb(env.DB);
    const to = uniqueEmail("expired");
    const day = DEV_MESSAGE_TTL_MS;
    vi.spyOn(console, "log").mockImplementation(() => {});
    await createDevMailer(config, db, () => Date.now() - day - 1000).send(loginEmailFor(to).message);
    expect(await listDevMessages(db, { to })).toHaveLength(0);
    expect((await db.select().from(devMessages).all()).some((r) => r.to === to)).toBe(true);

    await createDevMailer(config, db).send(loginEmailFor(uniqueEmail("fresh")).message);
    expect((await db.select().from(devMessages).all()).some((r) => r.to === to)).toBe(false);
  });
});

describe("dev mailbox route", () => {
  it("lists messages newest first as JSON, with the link and code found in each", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const to = uniqueEmail("json");
    const db = createDb(env.DB);
    const first = loginEmailFor(to, "111222");
    const second = loginEmailFor(to, "333444");
    await createDevMailer(config, db, () => Date.now() - 5000).send(first.message);
    await createDevMailer(config, db).send(second.message);

    const { messages } = await mailboxJson(`?to=${encodeURIComponent(to)}`);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toEqual({
      id: expect.any(String),
      to,
      subject: "Sign in to sesame-edge",
      text: second.message.text,
      html: second.message.html,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      link: second.link,
      code: "333444",
      language: "en",
    });
    expect(messages[1]).toMatchObject({ link: first.link, code: "111222" });
    expect(Date.parse(messages[0]!.createdAt)).toBeGreaterThan(Date.parse(messages[1]!.createdAt));
  });

  it("filters by recipient, matching the address however it is typed", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const mine = uniqueEmail("mine");
    const theirs = uniqueEmail("theirs");
    await createMailer(config, env).send(loginEmailFor(mine).message);
    await createMailer(config, env).send(loginEmailFor(theirs).message);

    const { messages } = await mailboxJson(`?to=${encodeURIComponent(`  ${mine.toUpperCase()} `)}`);
    expect(messages.map((m) => m.to)).toEqual([mine]);
    const all = await mailboxJson();
    expect(all.messages.map((m) => m.to)).toEqual(expect.arrayContaining([mine, theirs]));
  });

  it("answers a `to` that is not an address with a 400 naming the field", async () => {
    const res = await exports.default.fetch(`${MAILBOX}?to=not-an-address`, { headers: { Accept: "application/json" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_request", field: "to" });
  });

  it("shows browsers a page with the recipient, subject, time, clickable link, code and text", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const to = uniqueEmail("page");
    const { link, message } = loginEmailFor(to, "765432");
    await createMailer(config, env).send(message);

    const res = await exports.default.fetch(`${MAILBOX}?to=${encodeURIComponent(to)}`, { headers: { Accept: "text/html" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/html; charset=UTF-8");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(to);
    expect(html).toContain("Sign in to sesame-edge");
    expect(html).toMatch(/<time datetime="\d{4}-[^"]+Z">/);
    expect(html).toContain(`<a href="${link.replaceAll("&", "&amp;")}" rel="noreferrer">`);
    expect(html).toContain("<strong>765432</strong>");
    expect(html).toContain("<pre>Sign in to sesame-edge");
  });

  it("escapes message content on the page: a hostile message cannot inject markup", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const to = uniqueEmail("hostile");
    await createMailer(config, env).send({ to, subject: "<script>alert(1)</script>", text: "<img src=x onerror=alert(1)>", html: "" });
    const res = await exports.default.fetch(`${MAILBOX}?to=${encodeURIComponent(to)}`, { headers: { Accept: "text/html" } });
    const html = await res.text();
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("carries the auth pages' headers: no-store, no-referrer, strict CSP, and varies on Accept and Accept-Language", async () => {
    for (const accept of ["text/html", "application/json"]) {
      const res = await exports.default.fetch(MAILBOX, { headers: { Accept: accept } });
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Vary")).toBe("Accept, Accept-Language");
      expect(res.headers.get("X-Robots-Tag")).toBe("noindex");
    }
  });

  it("clears one recipient's messages with DELETE ?to=, and everything with a bare DELETE", async () => {
    vi.spyOn(console, "log").mockImplementation(() => {});
    const gone = uniqueEmail("gone");
    const kept = uniqueEmail("kept");
    await createMailer(config, env).send(loginEmailFor(gone).message);
    await createMailer(config, env).send(loginEmailFor(kept).message);

    const one = await exports.default.fetch(`${MAILBOX}?to=${encodeURIComponent(gone)}`, { method: "DELETE" });
    expect(await one.json()).toEqual({ deleted: 1 });
    expect((await mailboxJson(`?to=${encodeURIComponent(gone)}`)).messages).toHaveLength(0);
    expect((await mailboxJson(`?to=${encodeURIComponent(kept)}`)).messages).toHaveLength(1);

    const all = await exports.default.fetch(MAILBOX, { method: "DELETE" });
    expect(all.status).toBe(200);
    expect(((await all.json()) as { deleted: number }).deleted).toBeGreaterThanOrEqual(1);
    expect((await mailboxJson()).messages).toEqual([]);
  });

  it("does not exist when MAILER=mailchannels", async () => {
    const production = parseConfig({ ...env, MAILER: "mailchannels", MAILCHANNELS_API_KEY: "test-key" });
    const app = createApp(production);
    for (const method of ["GET", "DELETE"]) {
      const res = await app.fetch(new Request(MAILBOX, { method, headers: { Accept: "application/json" } }), env);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: "not_found" });
    }
    // The same request to a dev-mailer app does reach the mailbox: the 404 above is the mailer's doing.
    const dev = await createApp(config).fetch(new Request(MAILBOX, { headers: { Accept: "application/json" } }), env);
    expect(dev.status).toBe(200);
  });
});
