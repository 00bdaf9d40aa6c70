import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config";
import { assertionFor } from "../src/gate/assertion";
import type { Principal } from "../src/gate/principal";
import { adminOk, createUserViaApi } from "./admin-client";
import { echoOf, gate, ORIGIN, userWithServiceToken, userWithSession, workerWith } from "./gate-support";
import { failingD1, failingKv } from "./reliability/support/failing-bindings";

describe("cookies in the Cookie header", () => {
  it("finds the share cookie past a valueless cookie whose name starts with it", async () => {
    const user = await createUserViaApi();
    const link = await adminOk<{ token: string }>("POST", `/users/${user.id}/share-links`, 201, { json: { path: "/reports/9" } });
    const res = await gate("/reports/9", { headers: { Cookie: `sesame-sharex; sesame-share=${link.token}` } });
    expect((await echoOf(res)).headers["sesame-user-id"]).toBe(user.id);
  });

  it("reach the origin without the edge's, valueless ones included, and without empty pairs", async () => {
    const { cookie } = await userWithSession();
    const echo = await echoOf(await gate("/x", { headers: { Cookie: `theme=dark;; flag; sesame; ${cookie};` } }));
    expect(echo.headers.cookie).toBe("theme=dark; flag");
  });
});

describe("a public path", () => {
  const edge = workerWith({ PUBLIC_PATHS: "/healthz,/static/*" });

  it("never passes a sesame token in Authorization on to the origin", async () => {
    const { token } = await userWithServiceToken();
    const echo = await echoOf(await edge("/static/app.js", { headers: { Authorization: `Bearer ${token}` } }));
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers["sesame-user-id"]).toBeUndefined();
  });

  it("passes the origin's own bearer credential on untouched", async () => {
    const echo = await echoOf(await edge("/static/app.js", { headers: { Authorization: "Bearer origin.own.jwt" } }));
    expect(echo.headers.authorization).toBe("Bearer origin.own.jwt");
  });
});

describe("a share parameter that is not a valid share token", () => {
  it("is dropped for a signed-in user, whose slid session cookie comes back with the redirect", async () => {
    const { cookie } = await userWithSession();
    const edge = workerWith({ SESSION_REVALIDATE: "0" });
    const res = await edge("/docs?sesame=whatever", { headers: { Accept: "text/html", Cookie: cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/docs");
    expect(res.headers.getSetCookie().some((c) => c.startsWith("sesame=") && c.includes("HttpOnly"))).toBe(true);
  });
});

describe("the origin's redirects", () => {
  it("keep a Location on another site or port, or a relative one, exactly as the origin wrote it", async () => {
    const { cookie } = await userWithSession();
    for (const to of ["https://elsewhere.example/x?y=1", "/landing", `${ORIGIN}0/x`]) {
      const res = await gate(`/__redirect?to=${encodeURIComponent(to)}`, { headers: { Cookie: cookie } });
      expect(res.status, to).toBe(302);
      expect(res.headers.get("Location"), to).toBe(to);
    }
  });
});

describe("a bearer service token while storage fails", () => {
  it("is refused with 401 when KV cannot be read (fails closed)", async () => {
    const { token } = await userWithServiceToken();
    const edge = workerWith({}, { REVOKED: failingKv(env.REVOKED).binding });
    const res = await edge("/api/x", { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
    expect(res.status).toBe(401);
  });

  it("is refused with 401 when D1 cannot be reached (fails closed)", async () => {
    const { token } = await userWithServiceToken();
    const edge = workerWith({}, { DB: failingD1(env.DB).binding });
    const res = await edge("/api/x", { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
    expect(res.status).toBe(401);
  });

  it("gets a 500, not a quiet 401, when D1 answers but our SQL fails: a bug must not pass for an outage", async () => {
    const { token } = await userWithServiceToken();
    // Storage is this test file's own: the table comes back before the next test.
    await env.DB.exec("ALTER TABLE service_tokens RENAME TO service_tokens_away");
    try {
      const res = await gate("/api/x", { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
      expect(res.status).toBe(500);
    } finally {
      await env.DB.exec("ALTER TABLE service_tokens_away RENAME TO service_tokens");
    }
    expect((await gate("/api/x", { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});

describe("the assertion cache", () => {
  it("holds at most 5,000 principals, dropping the least recently signed first", async () => {
    // A config of its own, so the cache starts empty.
    const config = parseConfig({ ...(env as unknown as Record<string, string>) });
    const principal = (i: number): Principal => ({
      userId: crypto.randomUUID(),
      email: `p${i}@example.com`,
      sid: `s${i}`,
      amr: "link",
      groups: [],
    });
    const principals = Array.from({ length: 5001 }, (_, i) => principal(i));
    const app = config.access.apps[0]!;
    const now = Date.now();
    const first = await assertionFor(config, app, principals[0]!, now);
    const second = await assertionFor(config, app, principals[1]!, now);
    for (const p of principals.slice(2, 5000)) await assertionFor(config, app, p, now);
    // Full: the 5,001st pushes out the oldest, and only it.
    const newest = await assertionFor(config, app, principals[5000]!, now);
    expect(await assertionFor(config, app, principals[5000]!, now)).toBe(newest);
    expect(await assertionFor(config, app, principals[1]!, now)).toBe(second);
    expect(await assertionFor(config, app, principals[0]!, now)).not.toBe(first);
  });
});
