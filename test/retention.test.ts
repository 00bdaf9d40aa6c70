/**
 * The scheduled cleanup (docs/storage.md, retention): the worker's own `scheduled()` handler,
 * as the Cron Trigger calls it, against real local D1, with rows on both sides of every
 * boundary it draws.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { authEvents, devMessages, handoffCodes, loginRequests, rateLimits, sessions } from "../src/db/schema";
import worker from "../src/index";
import { MAX_RATE_LIMIT_WINDOW_SECONDS } from "../src/rate-limit";
import wranglerToml from "../wrangler.toml?raw";
import { db, makeUser } from "./login-helpers";

const MINUTE = 60_000;
const DAY = 86_400_000;

/** The Cron Trigger wrangler.toml declares (`[triggers] crons`): one, daily. */
const CRON = /^\[triggers\]\s*\ncrons = \["([^"]+)"\]$/m.exec(wranglerToml)?.[1];

/** Runs the worker's scheduled handler as the Cron Trigger does, and waits for its work. */
async function runCron(workerEnv: Env = env): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ cron: CRON, scheduledTime: Date.now() }), workerEnv, ctx);
  await waitOnExecutionContext(ctx);
}

async function seedBothSides(now: number, eventDays: number) {
  const user = await makeUser();
  const id = (label: string) => `${label}-${crypto.randomUUID()}`;
  const ids = {
    sessions: { expired: id("s"), live: id("s") },
    requests: { expired: id("r"), live: id("r") },
    messages: { expired: id("m"), live: id("m") },
    rateLimits: { ended: id("rl"), open: id("rl") },
  };
  const session = (sid: string, expiresAt: number) => ({
    id: sid,
    userId: user.id,
    amr: "link",
    createdAt: now - DAY,
    lastSeenAt: now - DAY,
    expiresAt,
  });
  const request = (rid: string, expiresAt: number) => ({
    id: rid,
    email: user.email,
    userId: user.id,
    codeHash: "x",
    createdAt: expiresAt - 10 * MINUTE,
    expiresAt,
  });
  const message = (mid: string, expiresAt: number) => ({
    id: mid,
    to: user.email,
    subject: "s",
    text: "t",
    html: "h",
    createdAt: expiresAt - DAY,
    expiresAt,
  });
  await db().batch([
    // A revoked session that has not expired yet stays: the admin API still lists it.
    db()
      .insert(sessions)
      .values([session(ids.sessions.expired, now - MINUTE), { ...session(ids.sessions.live, now + MINUTE), revokedAt: now }]),
    db()
      .insert(loginRequests)
      .values([request(ids.requests.expired, now - MINUTE), request(ids.requests.live, now + MINUTE)]),
    db()
      .insert(devMessages)
      .values([message(ids.messages.expired, now - MINUTE), message(ids.messages.live, now + MINUTE)]),
    db()
      .insert(rateLimits)
      .values([
        { key: ids.rateLimits.ended, windowStart: now - MAX_RATE_LIMIT_WINDOW_SECONDS * 1000 - MINUTE, count: 3 },
        { key: ids.rateLimits.open, windowStart: now - MAX_RATE_LIMIT_WINDOW_SECONDS * 1000 + MINUTE, count: 3 },
      ]),
  ]);
  const [oldEvent, keptEvent] = await db()
    .insert(authEvents)
    .values([
      { at: now - eventDays * DAY - MINUTE, event: "logout", userId: user.id },
      { at: now - eventDays * DAY + MINUTE, event: "logout", userId: user.id },
    ])
    .returning({ id: authEvents.id });
  return { ...ids, events: { old: oldEvent!.id, kept: keptEvent!.id } };
}

async function survivors(ids: Awaited<ReturnType<typeof seedBothSides>>) {
  const found = async (table: typeof sessions | typeof loginRequests | typeof devMessages, pair: { expired: string; live: string }) =>
    (
      await db()
        .select({ id: table.id })
        .from(table)
        .where(inArray(table.id, [pair.expired, pair.live]))
    ).map((r) => r.id);
  return {
    sessions: await found(sessions, ids.sessions),
    requests: await found(loginRequests, ids.requests),
    messages: await found(devMessages, ids.messages),
    rateLimits: (
      await db()
        .select({ key: rateLimits.key })
        .from(rateLimits)
        .where(inArray(rateLimits.key, [ids.rateLimits.ended, ids.rateLimits.open]))
    ).map((r) => r.key),
    events: (
      await db()
        .select({ id: authEvents.id })
        .from(authEvents)
        .where(inArray(authEvents.id, [ids.events.old, ids.events.kept]))
    ).map((r) => r.id),
  };
}

describe("the scheduled cleanup", () => {
  it("is triggered once a day by wrangler.toml", () => {
    expect(CRON).toMatch(/^\d+ \d+ \* \* \*$/);
  });

  it("deletes expired sessions, login requests, dev messages, ended rate-limit windows and audit events past 90 days, and nothing else", async () => {
    const ids = await seedBothSides(Date.now(), 90);
    await runCron();
    expect(await survivors(ids)).toEqual({
      sessions: [ids.sessions.live],
      requests: [ids.requests.live],
      messages: [ids.messages.live],
      rateLimits: [ids.rateLimits.open],
      events: [ids.events.kept],
    });
  });

  it("deletes expired cross-host handoff codes and keeps live ones", async () => {
    const now = Date.now();
    const row = (codeHash: string, expiresAt: number) => ({
      codeHash,
      sessionId: crypto.randomUUID(),
      app: "wiki",
      origin: "https://wiki.example.com",
      path: "/",
      stateHash: "s",
      expiresAt,
    });
    const [expired, live] = [`h-${crypto.randomUUID()}`, `h-${crypto.randomUUID()}`];
    await db()
      .insert(handoffCodes)
      .values([row(expired, now - MINUTE), row(live, now + MINUTE)]);
    await runCron();
    const left = await db()
      .select({ codeHash: handoffCodes.codeHash })
      .from(handoffCodes)
      .where(inArray(handoffCodes.codeHash, [expired, live]));
    expect(left.map((r) => r.codeHash)).toEqual([live]);
  });

  it("keeps audit events for RETENTION_DAYS_EVENTS days", async () => {
    const ids = await seedBothSides(Date.now(), 30);
    const sixtyDaysOld = await seedBothSides(Date.now(), 60);
    await runCron({ ...env, RETENTION_DAYS_EVENTS: "30" } as Env);
    expect((await survivors(ids)).events).toEqual([ids.events.kept]);
    // Events 60 days old go too when the retention is 30 days.
    expect((await survivors(sixtyDaysOld)).events).toEqual([]);
  });
});
