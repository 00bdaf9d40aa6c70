/**
 * Concurrency, through the worker's own fetch against real local D1: one-time links and
 * codes redeemed by 100 requests at once, 50 users signing in at once, and the per-address
 * rate limit under 100 parallel requests (dev mailbox and MailChannels stand-in).
 */
import { describe, expect, it } from "vitest";
import {
  askForLink,
  latestMail,
  linkFields,
  mailCount,
  makeUser,
  me,
  PREFIX,
  postForm,
  reloadUser,
  rows,
  sessionCookie,
  testConfig,
} from "../login-helpers";
import { inOneWindow } from "../support/one-window";
import { MAIL_STAND_IN_URL, workerWithBindings } from "./support/fault-worker";
import { captureProductLogs, countStatuses, drain, reportFigures } from "./support/figures";

captureProductLogs();

/**
 * The worker's default export with the test bindings, as the hostile surfaces call it:
 * `exports.default.fetch` costs more with every call in one file (docs/reliability.md), and
 * this file makes about 550; the requests run the same code against the same D1.
 */
const edge = workerWithBindings({});

const PARALLEL = 100;
const USERS = 50;

async function sessionsOf(userId: string): Promise<number> {
  const [row] = await rows<{ n: number }>("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", userId);
  return row!.n;
}

async function eventsOf(userId: string): Promise<string[]> {
  return (await rows<{ event: string }>("SELECT event FROM auth_events WHERE user_id = ? ORDER BY id", userId)).map((r) => r.event);
}

describe("one-time use under 100 concurrent redemptions", () => {
  it("gives exactly one session to 100 concurrent POSTs of one magic link", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email, { fetcher: edge })).status).toBe(200);
    const fields = linkFields((await latestMail(user.email, edge)).link);

    const started = Date.now();
    const results = await Promise.all(Array.from({ length: PARALLEL }, () => postForm(`${PREFIX}/link`, fields, { fetcher: edge })));
    const elapsedMs = Date.now() - started;
    const statuses = countStatuses(results);
    const winners = results.filter((res) => res.status === 303);
    const cookie = winners[0] ? sessionCookie(winners[0]) : null;
    await drain(results);

    expect(statuses).toEqual({ 303: 1, 400: PARALLEL - 1 });
    expect(await sessionsOf(user.id)).toBe(1);
    expect((await me(cookie, edge)).status).toBe(200);
    const events = await eventsOf(user.id);
    expect(events.filter((e) => e === "link_redeemed")).toHaveLength(1);
    expect(events.filter((e) => e === "session_created")).toHaveLength(1);
    expect(events.filter((e) => e === "link_rejected")).toHaveLength(PARALLEL - 1);
    reportFigures("link x100", { statuses, sessions: 1, elapsedMs });
  });

  it("gives exactly one session to 100 concurrent POSTs of the right code", async () => {
    const user = await makeUser();
    expect((await askForLink(user.email, { fetcher: edge })).status).toBe(200);
    const { code } = await latestMail(user.email, edge);

    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: PARALLEL }, () => postForm(`${PREFIX}/code`, { email: user.email, code, next: "/" }, { fetcher: edge })),
    );
    const elapsedMs = Date.now() - started;
    const statuses = countStatuses(results);
    await drain(results);

    expect(statuses).toEqual({ 303: 1, 400: PARALLEL - 1 });
    expect(await sessionsOf(user.id)).toBe(1);
    // Attempts are counted before the comparison: at most CODE_MAX_ATTEMPTS ever compared.
    const [request] = await rows<{ attempts: number; consumed_at: number | null }>(
      "SELECT attempts, consumed_at FROM login_requests WHERE email = ?",
      user.email,
    );
    expect(request!.attempts).toBeLessThanOrEqual(testConfig().code.maxAttempts);
    expect(request!.consumed_at).not.toBeNull();
    reportFigures("code x100", { statuses, sessions: 1, attemptsCompared: request!.attempts, elapsedMs });
  });
});

describe("50 users signing in at once", () => {
  it("gives 50 sessions and 50 complete audit trails, with no row lost or doubled", async () => {
    const users = await Promise.all(Array.from({ length: USERS }, () => makeUser()));

    const started = Date.now();
    const cookies = await Promise.all(
      users.map(async (user) => {
        const asked = await askForLink(user.email, { fetcher: edge });
        await asked.body?.cancel();
        expect(asked.status).toBe(200);
        const redeemed = await postForm(`${PREFIX}/link`, linkFields((await latestMail(user.email, edge)).link), { fetcher: edge });
        expect(redeemed.status).toBe(303);
        return sessionCookie(redeemed);
      }),
    );
    const elapsedMs = Date.now() - started;

    const identities = await Promise.all(cookies.map(async (cookie) => (await me(cookie, edge)).json<{ userId: string }>()));
    expect(identities.map((i) => i.userId)).toEqual(users.map((u) => u.id));
    for (const user of users) {
      expect(await sessionsOf(user.id)).toBe(1);
      expect(await eventsOf(user.id)).toEqual(["link_requested", "email_sent", "link_redeemed", "session_created"]);
      const requests = await rows<{ consumed_at: number | null }>("SELECT consumed_at FROM login_requests WHERE email = ?", user.email);
      expect(requests).toHaveLength(1);
      expect(requests[0]!.consumed_at).not.toBeNull();
      expect(await mailCount(user.email, edge)).toBe(1);
      expect((await reloadUser(user.email)).lastLoginAt).not.toBeNull();
    }
    reportFigures("50 users", { sessions: USERS, auditRowsPerUser: 4, elapsedMs });
  });
});

describe("the per-address rate limit under 100 parallel requests", () => {
  it("sends exactly RATE_LIMIT_LOGIN_PER_EMAIL emails (dev mailbox) and answers the rest 429", () =>
    inOneWindow(async () => {
      const limit = testConfig().rateLimit.loginPerEmail;
      const user = await makeUser();

      const results = await Promise.all(Array.from({ length: PARALLEL }, () => askForLink(user.email, { fetcher: edge })));
      const statuses = countStatuses(results);
      await drain(results);

      expect(statuses).toEqual({ 200: limit, 429: PARALLEL - limit });
      expect(await mailCount(user.email, edge)).toBe(limit);
      const events = await eventsOf(user.id);
      expect(events.filter((e) => e === "email_sent")).toHaveLength(limit);
      reportFigures("rate limit x100 (dev)", { limit, statuses, emails: limit });
    }));

  it("makes exactly RATE_LIMIT_LOGIN_PER_EMAIL requests to the MailChannels stand-in", () =>
    inOneWindow(async () => {
      const apiKey = `reliability-${crypto.randomUUID()}`;
      const mailchannels = workerWithBindings({ MAILER: "mailchannels", MAILCHANNELS_API_KEY: apiKey });
      const limit = testConfig().rateLimit.loginPerEmail;
      const user = await makeUser();

      const results = await Promise.all(Array.from({ length: PARALLEL }, () => askForLink(user.email, { fetcher: mailchannels })));
      const statuses = countStatuses(results);
      await drain(results);

      const sent = (await (await fetch(new URL(`/__sent?apiKey=${apiKey}`, MAIL_STAND_IN_URL))).json()) as unknown[];
      expect(statuses).toEqual({ 200: limit, 429: PARALLEL - limit });
      expect(sent).toHaveLength(limit);
      reportFigures("rate limit x100 (mailchannels)", { limit, statuses, providerRequests: sent.length });
    }));
});
