import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_SEND_MS, recordSendDuration, resetSendTimings, typicalSendMs, waitLikeASend } from "../src/login/send-timing";
import {
  askForLink,
  EDGE,
  type Fetcher,
  getPage,
  linkFields,
  linkPath,
  mailCount,
  makeUser,
  me,
  PREFIX,
  postForm,
  rows,
  sessionCookie,
  uniqueEmail,
  workerWith,
} from "./login-helpers";
import { inOneWindow } from "./support/one-window";

const STAND_IN = (env as unknown as Record<string, string>).MAILCHANNELS_API_URL!;
const standIn = (path: string) => new URL(path, STAND_IN).href;

/** A worker that mails through the local MailChannels stand-in under its own API key. */
function mailchannelsWorker(overrides: Record<string, string> = {}): { fetcher: Fetcher; apiKey: string } {
  const apiKey = `login-abuse-${crypto.randomUUID()}`;
  return { fetcher: workerWith({ MAILER: "mailchannels", MAILCHANNELS_API_KEY: apiKey, ...overrides }), apiKey };
}

async function sentTo(apiKey: string, email: string): Promise<{ text: string }[]> {
  const sent = (await (await fetch(standIn(`/__sent?apiKey=${encodeURIComponent(apiKey)}`))).json()) as {
    body: { personalizations: { to: { email: string }[] }[]; content: { type: string; value: string }[] };
  }[];
  return sent
    .filter((s) => s.body.personalizations[0]!.to[0]!.email === email)
    .map((s) => ({ text: s.body.content.find((c) => c.type === "text/plain")!.value }));
}

function detailsOf(text: string): { link: string; code: string } {
  return { link: text.match(/https?:\/\/\S+sesame=\S+/)![0], code: text.match(/Your code: (\d+)/)![1]! };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("no user enumeration through POST /login", () => {
  it("answers existing, inactive, unknown, new-allowed and refused addresses with the same status and bytes", async () => {
    const fetcher = workerWith({ SIGNUP: "allowlist", ALLOWED_EMAIL_DOMAINS: "allowed.example" });
    const existing = (await makeUser()).email;
    const inactive = (await makeUser(uniqueEmail("inactive"), { isActive: false })).email;
    const unknown = uniqueEmail("unknown");
    const newAllowed = uniqueEmail("new", "allowed.example");
    const refused = uniqueEmail("refused", "elsewhere.example");

    const answers = [];
    for (const email of [existing, inactive, unknown, newAllowed, refused]) {
      const res = await askForLink(email, { fetcher, next: "/docs" });
      const headers: [string, string][] = [];
      res.headers.forEach((value, name) => {
        // The attempt cookie (SAME_DEVICE) is random for everyone: only its value may differ.
        if (name !== "date") headers.push([name, name === "set-cookie" ? value.replace(/=[^;]*/, "=RANDOM") : value]);
      });
      answers.push({ status: res.status, headers: JSON.stringify(headers), body: (await res.text()).replaceAll(email, "EMAIL") });
    }
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.headers)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    // ...while only the eligible two were actually sent an email.
    expect(await mailCount(existing, fetcher)).toBe(1);
    expect(await mailCount(newAllowed, fetcher)).toBe(1);
    expect((await mailCount(inactive, fetcher)) + (await mailCount(unknown, fetcher)) + (await mailCount(refused, fetcher))).toBe(0);
  });

  it("answers POST /login for an unknown or inactive address no sooner than a real send takes", async () => {
    // A provider that takes SLOW_SEND_MS per email: far above the edge's own work, so the
    // bounds below hold on a loaded machine (timers run late, never early).
    const SLOW_SEND_MS = 400;
    const { fetcher, apiKey } = mailchannelsWorker();
    const known = await makeUser();
    const inactive = await makeUser(uniqueEmail("inactive"), { isActive: false });
    const timedAsk = async (email: string) => {
      const started = Date.now();
      const res = await askForLink(email, { fetcher });
      expect(res.status, email).toBe(200);
      await res.text();
      return Date.now() - started;
    };
    resetSendTimings();
    // Before this isolate has timed any send, an address that gets no email waits the default.
    expect(await timedAsk(uniqueEmail("nobody"))).toBeGreaterThanOrEqual(DEFAULT_SEND_MS);
    for (let i = 0; i < 3; i++) {
      await fetch(standIn("/__control"), { method: "POST", body: JSON.stringify({ apiKey, status: 202, delayMs: SLOW_SEND_MS }) });
      expect(await timedAsk(known.email)).toBeGreaterThanOrEqual(SLOW_SEND_MS);
    }
    expect(await sentTo(apiKey, known.email)).toHaveLength(3);
    // Now a typical send takes SLOW_SEND_MS or more: so does every answer that sends nothing.
    for (const email of [uniqueEmail("nobody"), inactive.email]) {
      expect(await timedAsk(email), email).toBeGreaterThanOrEqual(SLOW_SEND_MS);
    }
    expect(await sentTo(apiKey, inactive.email)).toHaveLength(0);
    resetSendTimings();
  });

  it("makes the no-email path wait about as long as a typical send", async () => {
    resetSendTimings();
    expect(typicalSendMs()).toBe(DEFAULT_SEND_MS);
    for (const ms of [120, 80, 100, 500, 90]) recordSendDuration(ms);
    expect(typicalSendMs()).toBe(100);
    const started = Date.now();
    await waitLikeASend(started);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(100);
    // Generous upper bound: timers on a busy machine run late, never early.
    expect(waited).toBeLessThan(600);
    resetSendTimings();
  });
});

describe("rate limits on POST /login", () => {
  it("limits one address to RATE_LIMIT_LOGIN_PER_EMAIL per window, from any IP, with 429 and Retry-After", () =>
    inOneWindow(async () => {
      const user = await makeUser();
      for (let i = 0; i < 5; i++) expect((await askForLink(user.email)).status).toBe(200);
      const limited = await askForLink(user.email);
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get("Retry-After"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expect(await limited.text()).toContain("Too many sign-in emails");
      expect(await mailCount(user.email)).toBe(5);
    }));

  it("answers an unknown address's limit exactly like an existing one's", async () => {
    const known = (await makeUser()).email;
    const unknown = uniqueEmail("unknown");
    const bodies: string[] = [];
    // One moment for both answers: the page states the wait in whole minutes, which a clock
    // crossing a minute boundary between the two would change for a reason that is not the address.
    await inOneWindow(async () => {
      for (const email of [known, unknown]) {
        for (let i = 0; i < 5; i++) await askForLink(email);
        const res = await askForLink(email);
        expect(res.status).toBe(429);
        bodies.push(await res.text());
      }
    });
    expect(bodies[0]).toBe(bodies[1]);
    const events = await rows("SELECT id FROM auth_events WHERE event = 'rate_limited' AND reason = 'login_per_email'");
    expect(events.length).toBeGreaterThanOrEqual(2);
  });

  it("limits one client IP to RATE_LIMIT_LOGIN_PER_IP across addresses", () =>
    inOneWindow(async () => {
      const fetcher = workerWith({ RATE_LIMIT_LOGIN_PER_IP: "3" });
      const headers = { Origin: EDGE, "CF-Connecting-IP": "192.0.2.77" };
      for (let i = 0; i < 3; i++) expect((await askForLink(uniqueEmail(), { fetcher, headers })).status).toBe(200);
      const limited = await askForLink(uniqueEmail(), { fetcher, headers });
      expect(limited.status).toBe(429);
      expect(limited.headers.get("Retry-After")).not.toBeNull();
      expect((await askForLink(uniqueEmail(), { fetcher, headers: { ...headers, "CF-Connecting-IP": "192.0.2.78" } })).status).toBe(200);
    }));
});

describe("mail provider failures", () => {
  it.each([500, 400])("shows 'could not send' (503) when the provider answers %i, and keeps no usable code", async (status) => {
    const { fetcher, apiKey } = mailchannelsWorker();
    const user = await makeUser();
    await fetch(standIn("/__control"), { method: "POST", body: JSON.stringify({ apiKey, status }) });
    const res = await askForLink(user.email, { fetcher });
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("We could not send the email. Please try again.");
    expect(await rows("SELECT id FROM login_requests WHERE email = ?", user.email)).toHaveLength(0);
    const [event] = await rows<{ reason: string }>("SELECT reason FROM auth_events WHERE event = 'email_failed' AND user_id = ? ", user.id);
    expect(event!.reason).toBe(status === 500 ? "provider_failed" : "provider_rejected");
  });
});

describe("secrets in logs", () => {
  it("never prints the token, the code, the cookie or the address during a whole sign-in (MAILER=mailchannels)", async () => {
    const { fetcher, apiKey } = mailchannelsWorker();
    const user = await makeUser();
    const printed: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        printed.push(args.map(String).join(" "));
      });
    }

    await askForLink(user.email, { fetcher, next: "/x" });
    const first = detailsOf((await sentTo(apiKey, user.email))[0]!.text);
    await getPage(linkPath(first.link), { fetcher });
    await getPage(linkPath(first.link), { fetcher, method: "HEAD" });
    const byLink = await postForm(`${PREFIX}/link`, linkFields(first.link), { fetcher });
    const cookie = sessionCookie(byLink)!;
    await me(cookie, fetcher);
    await postForm(`${PREFIX}/link`, linkFields(first.link), { fetcher });
    await postForm(`${PREFIX}/code`, { email: user.email, code: first.code, next: "/" }, { fetcher });

    await askForLink(user.email, { fetcher });
    const second = detailsOf((await sentTo(apiKey, user.email))[1]!.text);
    await postForm(`${PREFIX}/code`, { email: user.email, code: "000000", next: "/" }, { fetcher });
    const byCode = await postForm(`${PREFIX}/code`, { email: user.email, code: second.code, next: "/" }, { fetcher });
    await postForm(`${PREFIX}/logout?everywhere=1`, {}, { fetcher, cookie: sessionCookie(byCode) });
    vi.restoreAllMocks();

    expect(byLink.status).toBe(303);
    expect(byCode.status).toBe(303);
    expect(printed.length).toBeGreaterThan(5);
    const output = printed.join("\n");
    for (const secret of [
      linkFields(first.link).sesame,
      linkFields(second.link).sesame,
      first.code,
      second.code,
      cookie.split("=")[1]!,
      sessionCookie(byCode)!.split("=")[1]!,
      user.email,
    ]) {
      expect(output).not.toContain(secret);
    }
  });
});
