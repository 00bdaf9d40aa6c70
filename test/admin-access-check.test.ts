/**
 * POST /access/check answers what the gate does: each case is asked of the API and then
 * played against the gate itself, and the two must agree.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AppDefinition } from "../src/access/types";
import { createApp } from "../src/app";
import { getConfig } from "../src/config";
import { createDb } from "../src/db/client";
import { addMember, createGroup } from "../src/groups/store";
import { findUserById } from "../src/users/store";
import { createUserViaApi } from "./admin-client";
import { cookieFrom, cookieOnHost, deps, userWithServiceToken, userWithSession } from "./gate-support";
import { createSession } from "./support/sessions";

/** A session for an existing user, started now (so it carries the user's current groups). */
async function sessionOf(userId: string) {
  const user = (await findUserById(createDb(env.DB), userId))!;
  const { setCookie, sessionId } = await createSession(
    { ...deps(), config: getConfig(modified) },
    { user, amr: "link", request: new Request("http://localhost") },
  );
  return { user, sessionId, cookie: cookieFrom(setCookie) };
}

const ORIGIN: string = env.ORIGIN_URL;
const APPS: AppDefinition[] = [
  {
    name: "wiki",
    hosts: ["wiki.example.com"],
    origin: ORIGIN,
    publicPaths: ["/static/*"],
    policies: [
      { name: "admins", path: "/admin/*", action: "allow", include: [{ group: "check-admins" }] },
      { name: "ci", path: "/api/*", action: "service", include: [{ everyone: true }] },
      { name: "office", path: "/office/*", action: "allow", include: [{ everyone: true }], require: [{ ip: "10.0.0.0/8" }] },
      { name: "no-kp", path: "/*", action: "deny", include: [{ country: "KP" }] },
      { name: "staff", path: "/*", action: "allow", include: [{ everyone: true }] },
    ],
  },
];

const modified = { ...env, APPS: JSON.stringify(APPS) } as Env;
const app = createApp(getConfig(modified));
async function edge(url: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(url, { redirect: "manual", ...init }), modified, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

async function check(body: Record<string, unknown>): Promise<Response> {
  return edge("http://localhost:8787/.sesame/admin/api/access/check", {
    method: "POST",
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function checkOk(body: Record<string, unknown>) {
  const res = await check(body);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as { decision: string; app: string; policy: string | null };
}

/** What the gate answers, as a decision: 200 with or without identity, 403, or a sign-in. */
async function gateDecision(url: string, headers: Record<string, string>, cf?: { country: string }): Promise<string> {
  const res = await edge(url, { headers, ...(cf && { cf }) } as RequestInit);
  const text = await res.text();
  if (res.status === 200) return JSON.parse(text).headers["sesame-assertion"] ? "allow" : "bypass";
  if (res.status === 403) return "deny";
  if (res.status === 401) return "sign-in";
  throw new Error(`unexpected ${res.status}: ${text}`);
}

describe("POST /access/check", () => {
  it("answers like the gate for a signed-in user, path by path", async () => {
    await createGroup(createDb(env.DB), "check-admins");
    const plain = await userWithSession();
    const joined = await createUserViaApi();
    await addMember(createDb(env.DB), "check-admins", joined.id);
    const admin = await sessionOf(joined.id);

    const urls = ["/admin/x", "/page", "/static/app.css", "/api/jobs", "/office/x"].map((path) => `http://wiki.example.com${path}`);
    for (const who of [plain, admin]) {
      for (const url of urls) {
        const answer = await checkOk({ email: who.user.email, url });
        expect(answer.app).toBe("wiki");
        expect(answer.decision, `${who.user.email} ${url}`).toBe(
          await gateDecision(url, { Cookie: await cookieOnHost(who.sessionId, url, getConfig(modified)) }),
        );
      }
    }
    expect(await checkOk({ email: plain.user.email, url: "http://wiki.example.com/admin/x" })).toEqual({
      decision: "deny",
      app: "wiki",
      policy: null,
    });
    expect(await checkOk({ userId: joined.id, url: "http://wiki.example.com/admin/x" })).toEqual({
      decision: "allow",
      app: "wiki",
      policy: "admins",
    });
  });

  it("answers like the gate for nobody signed in, and for an address or a country", async () => {
    for (const url of ["http://wiki.example.com/page", "http://wiki.example.com/static/x"]) {
      expect((await checkOk({ url })).decision).toBe(await gateDecision(url, {}));
    }
    expect(await checkOk({ url: "http://wiki.example.com/page", country: "KP" })).toEqual({
      decision: "deny",
      app: "wiki",
      policy: "no-kp",
    });
    expect(await gateDecision("http://wiki.example.com/page", {}, { country: "KP" })).toBe("deny");

    const { user } = await userWithSession();
    expect((await checkOk({ email: user.email, url: "http://wiki.example.com/office/x", ip: "10.1.2.3" })).decision).toBe("allow");
    expect((await checkOk({ email: user.email, url: "http://wiki.example.com/office/x", ip: "2001:db8::1" })).decision).toBe("deny");
  });

  it("answers for a service token with amr service", async () => {
    const { user, token } = await userWithServiceToken();
    const answer = await checkOk({ email: user.email, url: "http://wiki.example.com/api/jobs", amr: "service" });
    expect(answer).toEqual({ decision: "allow", app: "wiki", policy: "ci" });
    expect(await gateDecision("http://wiki.example.com/api/jobs", { Authorization: `Bearer ${token}` })).toBe("allow");
  });

  it("treats an inactive user as nobody signed in", async () => {
    const user = await createUserViaApi({ active: false });
    expect((await checkOk({ email: user.email, url: "http://wiki.example.com/page" })).decision).toBe("sign-in");
  });

  it.each([
    [{ url: "http://other.example.com/" }, "url"],
    [{ url: "wiki.example.com/page" }, "url"],
    [{ url: "ftp://wiki.example.com/page" }, "url"],
    [{ url: "http://wiki.example.com//admin/x" }, "url"],
    [{}, "url"],
    [{ url: "http://wiki.example.com/", amr: "password" }, "amr"],
    [{ url: "http://wiki.example.com/", ip: "10.0.0.0/8" }, "ip"],
    [{ url: "http://wiki.example.com/", country: "de" }, "country"],
    [{ url: "http://wiki.example.com/", method: "get" }, "method"],
    [{ url: "http://wiki.example.com/", email: "a@b.c", userId: "x" }, "userId"],
    [{ url: "http://wiki.example.com/", email: "nope" }, "email"],
    [{ url: "http://wiki.example.com/", path: "/x" }, "path"],
  ])("answers 400 naming the field for %j", async (body, field) => {
    const res = await check(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_request", field });
  });

  it("answers 404 for an unknown user", async () => {
    expect((await check({ email: "nobody-here@example.com", url: "http://wiki.example.com/" })).status).toBe(404);
  });

  it("needs the admin token", async () => {
    const res = await edge("http://localhost:8787/.sesame/admin/api/access/check", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ url: "http://wiki.example.com/" }),
    });
    expect(res.status).toBe(401);
  });
});
