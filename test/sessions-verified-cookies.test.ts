/**
 * The isolate remembers the session cookies it has verified (src/sessions/jwt.ts): a cookie
 * seen before skips the MAC, but never an expiry check, never a secret it was not verified
 * under, and never a cookie that differs from it by one character.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config";
import { readSession, type SessionDeps } from "../src/sessions";
import { verifySessionJwt } from "../src/sessions/jwt";
import { db, makeUser, testConfig } from "./login-helpers";
import { createSession } from "./support/sessions";

const deps = (overrides: Partial<SessionDeps> = {}): SessionDeps => ({ config: testConfig(), db: db(), kv: env.REVOKED, ...overrides });

function withCookie(setCookie: string): Request {
  return new Request("http://localhost:8787/anything", { headers: { Cookie: setCookie.split(";")[0]! } });
}

function jwtOf(setCookie: string): string {
  return setCookie.split(";")[0]!.split("=").slice(1).join("=");
}

async function freshCookie(now = Date.now()): Promise<string> {
  const user = await makeUser();
  const { setCookie } = await createSession(deps({ now }), { user, amr: "link", request: new Request("http://localhost:8787/") });
  return setCookie;
}

describe("verified session cookies remembered by the isolate", () => {
  it("still refuses a remembered cookie once its exp has passed", async () => {
    const now = Date.now();
    const setCookie = await freshCookie(now);
    const jwt = jwtOf(setCookie);
    const first = await verifySessionJwt(testConfig(), jwt, now);
    expect(first.ok).toBe(true);
    const exp = first.ok ? first.claims.exp : 0;
    // The second call is a hit: only the clock decides, with jose's rule (expired at exp).
    expect((await verifySessionJwt(testConfig(), jwt, exp * 1000 - 1000)).ok).toBe(true);
    expect(await verifySessionJwt(testConfig(), jwt, exp * 1000)).toEqual({ ok: false, reason: "expired" });
    expect(await readSession(withCookie(setCookie), deps({ now: exp * 1000 }))).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a cookie verified under one SESAME_SECRET once the config no longer holds that secret", async () => {
    const setCookie = await freshCookie();
    expect((await readSession(withCookie(setCookie), deps())).ok).toBe(true);
    const rotatedAway = parseConfig({
      ...(env as unknown as Record<string, string>),
      SESAME_SECRET: "a-completely-different-secret-0123456789abcdefghijkl",
    });
    expect(await verifySessionJwt(rotatedAway, jwtOf(setCookie), Date.now())).toEqual({ ok: false, reason: "invalid" });
  });

  it("refuses a cookie one character away from a remembered one", async () => {
    const setCookie = await freshCookie();
    const jwt = jwtOf(setCookie);
    expect((await verifySessionJwt(testConfig(), jwt, Date.now())).ok).toBe(true);
    const last = jwt.at(-2) === "A" ? "B" : "A";
    const tampered = `${jwt.slice(0, -2)}${last}${jwt.at(-1)}`;
    expect(await verifySessionJwt(testConfig(), tampered, Date.now())).toEqual({ ok: false, reason: "invalid" });
  });

  it("hands out remembered claims that cannot be changed for the next request", async () => {
    const jwt = jwtOf(await freshCookie());
    await verifySessionJwt(testConfig(), jwt, Date.now());
    const hit = await verifySessionJwt(testConfig(), jwt, Date.now());
    if (!hit.ok) throw new Error("the cookie did not verify");
    expect(Object.isFrozen(hit.claims) && Object.isFrozen(hit.claims.groups)).toBe(true);
  });
});
