import { describe, expect, it } from "vitest";
import { admin, adminOk, expectError } from "./admin-client";
import { makeUser, me, signInByLink } from "./login-helpers";

interface SessionJson {
  id: string;
  amr: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  revokedAt: string | null;
  ip: string | null;
  userAgent: string | null;
}

async function sessionsOf(ref: string): Promise<SessionJson[]> {
  return (await adminOk<{ sessions: SessionJson[] }>("GET", `/users/${encodeURIComponent(ref)}/sessions`, 200)).sessions;
}

describe("admin: a user's sessions", () => {
  it("lists sessions newest first with ISO times, by id or by email", async () => {
    const user = await makeUser();
    await signInByLink(user.email);
    await signInByLink(user.email);
    const byId = await sessionsOf(user.id);
    expect(byId).toHaveLength(2);
    expect(Object.keys(byId[0]!).sort()).toEqual(["amr", "createdAt", "expiresAt", "id", "ip", "lastSeenAt", "revokedAt", "userAgent"]);
    expect(byId[0]!.amr).toBe("link");
    expect(byId[0]!.revokedAt).toBeNull();
    expect(byId[0]!.createdAt >= byId[1]!.createdAt).toBe(true);
    expect(byId[0]!.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await sessionsOf(user.email.toUpperCase())).toEqual(byId);
  });

  it("revokes one session by id: refused by /me at once, the others untouched", async () => {
    const user = await makeUser();
    const first = await signInByLink(user.email);
    const second = await signInByLink(user.email);
    const firstId = ((await (await me(first)).json()) as { sessionId: string }).sessionId;

    expect(await adminOk("POST", `/users/${user.id}/sessions/revoke`, 200, { json: { sessionId: firstId } })).toEqual({ revoked: 1 });
    expect((await me(first)).status).toBe(401);
    expect((await me(second)).status).toBe(200);
    expect((await sessionsOf(user.id)).find((s) => s.id === firstId)!.revokedAt).not.toBeNull();
    // Again: nothing live left to revoke.
    expect(await adminOk("POST", `/users/${user.id}/sessions/revoke`, 200, { json: { sessionId: firstId } })).toEqual({ revoked: 0 });
  });

  it("revokes every live session without a sessionId, even with no body at all", async () => {
    const user = await makeUser();
    const cookies = [await signInByLink(user.email), await signInByLink(user.email)];
    expect(await adminOk("POST", `/users/${user.email}/sessions/revoke`, 200)).toEqual({ revoked: 2 });
    for (const cookie of cookies) expect((await me(cookie)).status).toBe(401);
    const events = await adminOk<{ events: { event: string }[] }>("GET", `/users/${user.id}/events`, 200);
    expect(events.events.map((e) => e.event)).toContain("session_revoked");
  });

  it("answers 404 for another user's session and for an unknown user", async () => {
    const owner = await makeUser();
    const stranger = await makeUser();
    const cookie = await signInByLink(owner.email);
    const sessionId = ((await (await me(cookie)).json()) as { sessionId: string }).sessionId;
    await expectError(await admin("POST", `/users/${stranger.id}/sessions/revoke`, { json: { sessionId } }), 404);
    expect((await me(cookie)).status).toBe(200);
    await expectError(await admin("GET", "/users/nobody@example.com/sessions"), 404);
  });

  it.each([
    [{ sessionId: 42 }, "sessionId"],
    [{ sessionId: "" }, "sessionId"],
    [{ sessionId: "not-a-session" }, "sessionId"],
    [{ session: "x" }, "session"],
  ])("refuses %j with 400 naming the field", async (json, field) => {
    const user = await makeUser();
    await expectError(await admin("POST", `/users/${user.id}/sessions/revoke`, { json }), 400, field);
  });

  it("requires the admin token", async () => {
    const user = await makeUser();
    await expectError(await admin("GET", `/users/${user.id}/sessions`, { authorization: null }), 401);
  });
});
