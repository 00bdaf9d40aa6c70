import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { hashToken } from "../src/tokens";
import { admin, adminOk, createUserViaApi, expectError } from "./admin-client";

interface EventJson {
  id: number;
  at: string;
  event: string;
  userId: string | null;
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
}
type EventPage = { events: EventJson[]; next: number | null };

const CALLER = { "CF-Connecting-IP": "203.0.113.7", "User-Agent": "admin-cli/1.0" };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("audit events of a user", () => {
  it("lists every admin action on the user, newest first, with the caller's IP and User-Agent", async () => {
    const user = await createUserViaApi();
    await adminOk("PATCH", `/users/${user.id}`, 200, { json: { name: "Renamed" }, headers: CALLER });
    const issued = await adminOk("POST", `/users/${user.id}/tokens`, 201, { json: { scope: "path:/r/*" }, headers: CALLER });
    await adminOk("POST", "/tokens/revoke", 200, { json: { token: issued.token }, headers: CALLER });
    await adminOk("POST", `/users/${user.id}/revoke-tokens`, 200, { headers: CALLER });

    const { events, next } = await adminOk<EventPage>("GET", `/users/${user.email}/events`, 200);
    expect(next).toBeNull();
    expect(events.map((e) => e.event)).toEqual(["token_revoked", "token_revoked", "token_issued", "user_updated", "user_created"]);
    expect(events.map((e) => e.id)).toEqual([...events.map((e) => e.id)].sort((a, b) => b - a));
    for (const event of events) {
      expect(event.userId).toBe(user.id);
      expect(event.at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    }
    const [revokeAll, revokeOne, issuedEvent, updated] = events;
    expect(revokeAll).toMatchObject({ reason: "revoke_all", detail: { all: true }, ip: "203.0.113.7", userAgent: "admin-cli/1.0" });
    const hashPrefix = (await hashToken(issued.token)).slice(0, 16);
    expect(revokeOne!.detail).toEqual({ scope: "path:/r/*", tokenHash: hashPrefix });
    expect(issuedEvent!.detail).toEqual({ scope: "path:/r/*", oneTime: false, tokenHash: hashPrefix });
    expect(updated!.detail).toMatchObject({ fields: "name", tokensRevoked: false });
  });

  it("records an email change as revoking tokens", async () => {
    const user = await createUserViaApi();
    await adminOk("PATCH", `/users/${user.id}`, 200, { json: { email: `moved-${user.email}` } });
    const { events } = await adminOk<EventPage>("GET", `/users/${user.id}/events?limit=1`, 200);
    expect(events[0]).toMatchObject({ event: "user_updated", detail: { fields: "email", tokensRevoked: true } });
  });

  it("pages with before=<id> without gaps or repeats", async () => {
    const user = await createUserViaApi();
    for (let i = 0; i < 6; i++) await adminOk("POST", `/users/${user.id}/tokens`, 201);
    const all = (await adminOk<EventPage>("GET", `/users/${user.id}/events`, 200)).events.map((e) => e.id);
    expect(all).toHaveLength(7);

    const seen: number[] = [];
    const sizes: number[] = [];
    let before: number | null = 0;
    while (before !== null) {
      const query: string = before ? `limit=3&before=${before}` : "limit=3";
      const page: EventPage = await adminOk<EventPage>("GET", `/users/${user.id}/events?${query}`, 200);
      sizes.push(page.events.length);
      seen.push(...page.events.map((e) => e.id));
      before = page.next;
    }
    expect(sizes).toEqual([3, 3, 1]);
    expect(seen).toEqual(all);
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=ten", "limit"],
    ["before=x", "before"],
    ["before=0", "before"],
    ["after=5", "after"],
  ])("refuses ?%s with 400 naming %s", async (query, field) => {
    const user = await createUserViaApi();
    await expectError(await admin("GET", `/users/${user.id}/events?${query}`), 400, field);
  });

  it("answers 404 for an unknown user", async () => {
    await expectError(await admin("GET", `/users/${crypto.randomUUID()}/events`), 404);
  });
});

describe("the edge-wide audit log", () => {
  it("records a refused admin call as admin_denied, with IP and User-Agent but no token material", async () => {
    const wrong = `Bearer wrong-${crypto.randomUUID()}`;
    await expectError(await admin("GET", "/users", { authorization: wrong, headers: CALLER }), 401);
    await expectError(await admin("DELETE", "/users/x@example.com", { authorization: null, headers: CALLER }), 401);

    const { events } = await adminOk<EventPage>("GET", "/events?event=admin_denied&limit=2", 200);
    expect(events).toMatchObject([
      {
        event: "admin_denied",
        reason: "missing_token",
        userId: null,
        ip: "203.0.113.7",
        userAgent: "admin-cli/1.0",
        detail: { method: "DELETE", path: "/.sesame/admin/api/users/x@example.com" },
      },
      { event: "admin_denied", reason: "wrong_token", detail: { method: "GET", path: "/.sesame/admin/api/users" } },
    ]);
    const rows = await env.DB.prepare("SELECT * FROM auth_events").all();
    expect(JSON.stringify(rows.results)).not.toContain(wrong.slice(7));
    expect(JSON.stringify(rows.results)).not.toContain(env.ADMIN_TOKEN);
  });

  it("keeps a deleted user's events readable by userId", async () => {
    const user = await createUserViaApi();
    await adminOk("DELETE", `/users/${user.id}`, 204);
    await expectError(await admin("GET", `/users/${user.id}/events`), 404);
    const { events } = await adminOk<EventPage>("GET", `/events?userId=${user.id}`, 200);
    expect(events.map((e) => e.event)).toEqual(["user_deleted", "user_created"]);
  });

  it.each([
    ["event=Token Issued", "event"],
    ["userId=someone@example.com", "userId"],
    ["user=x", "user"],
  ])("refuses ?%s with 400 naming %s", async (query, field) => {
    await expectError(await admin("GET", `/events?${query}`), 400, field);
  });
});

describe("raw tokens stay out of the audit trail", () => {
  it("never writes an issued token to auth_events or to a log line", async () => {
    const logged: string[] = [];
    const capture = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
    vi.spyOn(console, "log").mockImplementation(capture);
    vi.spyOn(console, "error").mockImplementation(capture);

    const user = await createUserViaApi();
    const tokens: string[] = [];
    for (const json of [{}, { scope: "path:/x" }, { scope: "other", oneTime: true }]) {
      tokens.push((await adminOk("POST", `/users/${user.id}/tokens`, 201, { json })).token);
    }
    await adminOk("POST", "/tokens/revoke", 200, { json: { token: tokens[0] } });
    await expectError(await admin("POST", "/tokens/revoke", { json: { token: `${tokens[1]}x` } }), 400, "token");

    const rows = JSON.stringify((await env.DB.prepare("SELECT * FROM auth_events").all()).results);
    // The log capture must have seen the audit lines, or the check below would prove nothing.
    expect(logged.some((line) => line.includes("token_issued"))).toBe(true);
    for (const token of tokens) {
      expect(rows).not.toContain(token);
      expect(rows).not.toContain(await hashToken(token));
      for (const line of logged) expect(line).not.toContain(token);
    }
  });
});
