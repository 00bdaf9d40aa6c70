/**
 * Failure events are bounded per client and window (src/audit/record-failure.ts): the first
 * AUDIT_FAILURES_PER_CLIENT are written, then one `failures_suppressed` row counts the rest.
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { recordFailureEvent } from "../src/audit/record-failure";
import { parseConfig } from "../src/config";
import { authEvents } from "../src/db/schema";
import { ADMIN_BASE } from "./admin-client";
import { db, EDGE, type Fetcher, PREFIX, postForm, randomIp, uniqueEmail, workerWith } from "./login-helpers";
import { inOneWindow } from "./support/one-window";

const LIMIT = 5;

/** The audit rows written for one client address, by event. */
async function rowsFor(ip: string) {
  const rows = await db().select().from(authEvents).where(eq(authEvents.ip, ip)).all();
  const byEvent: Record<string, number> = {};
  for (const row of rows) byEvent[row.event] = (byEvent[row.event] ?? 0) + 1;
  const summaries = rows.filter((r) => r.event === "failures_suppressed").map((r) => ({ reason: r.reason, ...JSON.parse(r.detail!) }));
  return { byEvent, summaries };
}

/** `count` requests, 8 at a time (concurrent failures must still be counted exactly), in one window. */
async function sendMany(count: number, send: () => Promise<Response>): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let left = count;
  await inOneWindow(() =>
    Promise.all(
      Array.from({ length: 8 }, async () => {
        while (left > 0) {
          left -= 1;
          const response = await send();
          await response.arrayBuffer();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        }
      }),
    ),
  );
  return statuses;
}

describe("failure events per client", () => {
  const fetcher: Fetcher = workerWith({ AUDIT_FAILURES_PER_CLIENT: String(LIMIT) });

  it("writes the first few of 400 bad GET /link from one client, then one summary row with the count", async () => {
    const ip = randomIp();
    const statuses = await sendMany(400, () =>
      fetcher(`${PREFIX}/link?sesame=not-a-token-${crypto.randomUUID()}`, { headers: { "CF-Connecting-IP": ip, Accept: "text/html" } }),
    );
    expect([...statuses]).toEqual([[400, 400]]);
    const { byEvent, summaries } = await rowsFor(ip);
    expect(byEvent).toEqual({ link_rejected: LIMIT, failures_suppressed: 1 });
    expect(summaries).toEqual([expect.objectContaining({ reason: "link_rejected", count: 400 - LIMIT, limit: LIMIT })]);
  });

  it("counts each client apart", async () => {
    const [first, second] = [randomIp(), randomIp()];
    await inOneWindow(async () => {
      for (const ip of [first, first, first, first, first, first, first, second]) {
        await fetcher(`${PREFIX}/link?sesame=bad`, { headers: { "CF-Connecting-IP": ip } });
      }
    });
    expect((await rowsFor(first)).byEvent).toEqual({ link_rejected: LIMIT, failures_suppressed: 1 });
    expect((await rowsFor(second)).byEvent).toEqual({ link_rejected: 1 });
  });

  it("counts every address of one IPv6 /64 as one client, and keeps each full address in the log", async () => {
    const net = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    const addresses = Array.from({ length: LIMIT + 3 }, (_, i) => `${net}::${(i + 1).toString(16)}`);
    await inOneWindow(async () => {
      for (const ip of addresses) await fetcher(`${PREFIX}/link?sesame=bad`, { headers: { "CF-Connecting-IP": ip } });
    });
    const written = addresses.map(async (ip) => (await rowsFor(ip)).byEvent.link_rejected ?? 0);
    expect((await Promise.all(written)).reduce((a, b) => a + b, 0)).toBe(LIMIT);
    expect((await rowsFor(addresses[0]!)).byEvent).toEqual({ link_rejected: 1 });
  });

  it("bounds wrong admin tokens the same way", async () => {
    const ip = randomIp();
    const statuses = await sendMany(30, () =>
      fetcher(`${ADMIN_BASE.replace(EDGE, "")}/users`, { headers: { Authorization: "Bearer wrong", "CF-Connecting-IP": ip } }),
    );
    expect([...statuses]).toEqual([[401, 30]]);
    const { byEvent, summaries } = await rowsFor(ip);
    expect(byEvent).toEqual({ admin_denied: LIMIT, failures_suppressed: 1 });
    expect(summaries[0]).toMatchObject({ reason: "admin_denied", count: 30 - LIMIT });
  });

  it("bounds requests that are already rate-limited", async () => {
    const limited = workerWith({ AUDIT_FAILURES_PER_CLIENT: String(LIMIT), RATE_LIMIT_LOGIN_PER_IP: "1" });
    const ip = randomIp();
    const email = uniqueEmail("limited");
    const statuses = await sendMany(40, () =>
      postForm(`${PREFIX}/login`, { email }, { fetcher: limited, headers: { Origin: EDGE, "CF-Connecting-IP": ip } }),
    );
    expect(statuses.get(429)).toBe(39);
    const { byEvent, summaries } = await rowsFor(ip);
    expect(byEvent.rate_limited).toBe(LIMIT);
    expect(summaries).toEqual([expect.objectContaining({ reason: "rate_limited", count: 39 - LIMIT })]);
  });

  it("starts again in the next window", async () => {
    const config = parseConfig({ ...env, AUDIT_FAILURES_PER_CLIENT: "2", RATE_LIMIT_WINDOW: "60" } as Env);
    const ip = randomIp();
    const windowStart = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
    for (const at of [0, 1, 2, 3, 60_000, 60_001, 60_002]) {
      await recordFailureEvent({ config, db: db() }, { event: "admin_denied", ip }, windowStart + at);
    }
    const rows = await db()
      .select()
      .from(authEvents)
      .where(and(eq(authEvents.ip, ip), eq(authEvents.event, "failures_suppressed")))
      .all();
    expect((await rowsFor(ip)).byEvent).toEqual({ admin_denied: 4, failures_suppressed: 2 });
    expect(rows.map((r) => JSON.parse(r.detail!).count)).toEqual([2, 1]);
  });
});
