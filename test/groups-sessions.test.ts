/**
 * Groups at the gate (docs/access.md, "Groups"): what a session and a service token carry,
 * and how soon a membership change takes effect.
 */
import { env } from "cloudflare:workers";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { createDb } from "../src/db/client";
import { MAX_SESSION_GROUPS_BYTES, TooManyGroupsError } from "../src/groups/session-groups";
import { addMember, createGroup, removeMember } from "../src/groups/store";
import { edgeCookieName } from "../src/http/cookies";
import { continueSessionOnHost, readSession, type SessionClaims } from "../src/sessions";
import { signSessionJwt, verifySessionJwt } from "../src/sessions/jwt";
import { findUserById } from "../src/users/store";
import { adminOk, createUserViaApi } from "./admin-client";
import { cookieFrom, echoOf } from "./gate-support";
import { signInByLink, workerWith } from "./login-helpers";
import { createSession } from "./support/sessions";

const ORIGIN: string = env.ORIGIN_URL;
const db = () => createDb(env.DB);

/** An app on the auth host: /admin/* for the group "eng-admins", /* for every signed-in user. */
function appsWith(extraGroups: string[] = []) {
  return JSON.stringify([
    {
      name: "main",
      hosts: ["localhost"],
      origin: ORIGIN,
      policies: [
        { name: "eng-admins", path: "/admin/*", action: "allow", include: [{ group: "eng-admins" }] },
        ...(extraGroups.length > 0
          ? [{ name: "many", path: "/many/*", action: "allow", include: extraGroups.map((group) => ({ group })) }]
          : []),
        { name: "everyone", path: "/*", action: "allow", include: [{ everyone: true }] },
      ],
    },
  ]);
}

async function ensureGroup(name: string) {
  await createGroup(db(), name);
}

async function sessionFor(userId: string, options: { revalidateDue?: boolean } = {}) {
  const user = (await findUserById(db(), userId))!;
  const edge = workerWith({ APPS: appsWith() });
  const deps = { config: edge.config, db: db(), kv: env.REVOKED };
  const { sessionId, setCookie } = await createSession(deps, { user, amr: "link", request: new Request("http://localhost") });
  if (!options.revalidateDue) return { edge, cookie: cookieFrom(setCookie) };
  // The same session, as a cookie whose last D1 check was longer ago than SESSION_REVALIDATE.
  const claims = (await verifySessionJwt(edge.config, cookieFrom(setCookie).split("=")[1]!, Date.now())) as {
    ok: true;
    claims: SessionClaims;
  };
  const rv = Date.now() - (edge.config.session.revalidateSeconds + 1) * 1000;
  const jwt = await signSessionJwt(edge.config, { ...claims.claims, sid: sessionId, rv });
  return { edge, cookie: `${edgeCookieName(edge.config, "session")}=${jwt}` };
}

describe("groups in the session", () => {
  it("carries only the groups some policy names, plus ADMIN_GROUP, into the assertion", async () => {
    for (const name of ["eng-admins", "admins", "unrelated"]) await ensureGroup(name);
    const user = await createUserViaApi();
    for (const name of ["eng-admins", "admins", "unrelated"]) await addMember(db(), name, user.id);
    const edge = workerWith({ APPS: appsWith() });
    const cookie = await signInByLink(user.email, edge);
    const echo = await echoOf(await edge("/admin/x", { headers: { Cookie: cookie } }));
    expect(decodeJwt(echo.headers["sesame-assertion"]!).groups).toEqual(["admins", "eng-admins"]);
  });

  it("keeps the groups a session started with until the next revalidation, then picks up the change", async () => {
    await ensureGroup("eng-admins");
    const user = await createUserViaApi();
    const fresh = await sessionFor(user.id);
    const due = await sessionFor(user.id, { revalidateDue: true });
    await addMember(db(), "eng-admins", user.id);

    // Within SESSION_REVALIDATE the cookie still says what D1 said when it was checked.
    expect((await fresh.edge("/admin/x", { headers: { Cookie: fresh.cookie } })).status).toBe(403);
    // Revalidation re-reads memberships and re-issues the cookie with them.
    const res = await due.edge("/admin/x", { headers: { Cookie: due.cookie } });
    expect(res.status).toBe(200);
    const reissued = res.headers.get("Set-Cookie");
    expect(reissued).toBeTruthy();
    await res.body?.cancel();

    // Removal takes effect the same way.
    await removeMember(db(), "eng-admins", user.id);
    const later = await sessionFor(user.id, { revalidateDue: true });
    expect((await later.edge("/admin/x", { headers: { Cookie: later.cookie } })).status).toBe(403);
  });

  it("gives service tokens the same groups, re-read within SESSION_REVALIDATE", async () => {
    await ensureGroup("eng-admins");
    const user = await createUserViaApi();
    const { token } = await adminOk<{ token: string }>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "ci" } });
    const cached = workerWith({ APPS: appsWith() });
    const uncached = workerWith({ APPS: appsWith(), SESSION_REVALIDATE: "0" });
    const bearer = { Authorization: `Bearer ${token}` };
    expect((await cached("/admin/x", { headers: bearer })).status).toBe(403);
    expect((await uncached("/admin/x", { headers: bearer })).status).toBe(403);
    await addMember(db(), "eng-admins", user.id);
    // Remembered for SESSION_REVALIDATE seconds by the isolate that verified it...
    expect((await cached("/admin/x", { headers: bearer })).status).toBe(403);
    // ...and re-read from D1 as soon as that period is over (here: no period at all).
    const echo = await echoOf(await uncached("/admin/x", { headers: bearer }));
    expect(decodeJwt(echo.headers["sesame-assertion"]!).groups).toEqual(["eng-admins"]);
  });
});

describe("a user in too many carried groups", () => {
  const many = Array.from({ length: 40 }, (_, i) => `many-${String(i).padStart(2, "0")}-${"x".repeat(50)}`);

  it("cannot start a session: a clear page, not a sign-in loop", async () => {
    expect(JSON.stringify(many).length).toBeGreaterThan(MAX_SESSION_GROUPS_BYTES);
    const user = await createUserViaApi();
    for (const name of many) {
      await ensureGroup(name);
      await addMember(db(), name, user.id);
    }
    const edge = workerWith({ APPS: appsWith(many) });
    const dbUser = (await findUserById(db(), user.id))!;
    await expect(
      createSession(
        { config: edge.config, db: db(), kv: env.REVOKED },
        { user: dbUser, amr: "link", request: new Request("http://localhost") },
      ),
    ).rejects.toBeInstanceOf(TooManyGroupsError);

    const { askForLink, latestMail, linkFields, postForm, PREFIX } = await import("./login-helpers");
    await askForLink(user.email, { fetcher: edge });
    const { link } = await latestMail(user.email, edge);
    const res = await postForm(`${PREFIX}/link`, linkFields(link), { fetcher: edge });
    expect(res.status).toBe(403);
    expect(res.headers.get("Location")).toBeNull();
    expect(res.headers.get("Set-Cookie") ?? "").not.toMatch(/sesame=ey/);
    expect(await res.text()).toContain("more groups used by this site");
  });

  /** Puts the user in every one of `many` (the policies of `appsWith(many)` name them all). */
  async function joinMany(userId: string) {
    for (const name of many) {
      await ensureGroup(name);
      await addMember(db(), name, userId);
    }
  }

  it("loses a live session at its next revalidation, and cannot carry it onto another host", async () => {
    const user = await createUserViaApi();
    const edge = workerWith({ APPS: appsWith(many) });
    const deps = { config: edge.config, db: db(), kv: env.REVOKED };
    const dbUser = (await findUserById(db(), user.id))!;
    const { sessionId, setCookie } = await createSession(deps, { user: dbUser, amr: "link", request: new Request("http://localhost") });
    // The control: before joining, the session slides and carries onto another host.
    const due = () => Date.now() + (edge.config.session.revalidateSeconds + 1) * 1000;
    const request = new Request("http://localhost/x", { headers: { Cookie: cookieFrom(setCookie) } });
    expect((await readSession(request, { ...deps, now: due() })).ok).toBe(true);
    expect(await continueSessionOnHost(deps, sessionId, "wiki.example.com")).toMatch(/^sesame=ey/);

    await joinMany(user.id);
    // Within SESSION_REVALIDATE the cookie stands; at the re-check the session ends (signing in again says why).
    expect((await readSession(request, deps)).ok).toBe(true);
    expect(await readSession(request, { ...deps, now: due() })).toEqual({ ok: false, reason: "revoked" });
    expect(await continueSessionOnHost(deps, sessionId, "wiki.example.com")).toBeNull();
  });

  it("cannot use a service token: 401, as for any token that does not verify", async () => {
    const user = await createUserViaApi();
    await joinMany(user.id);
    const { token } = await adminOk<{ token: string }>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "ci" } });
    const bearer = { Authorization: `Bearer ${token}`, Accept: "application/json" };
    // The control: the same token where no policy names those groups.
    expect((await echoOf(await workerWith({ APPS: appsWith() })("/x", { headers: bearer }))).url).toBe("/x");
    const res = await workerWith({ APPS: appsWith(many) })("/x", { headers: bearer });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
  });

  it("carries up to the limit", async () => {
    const user = await createUserViaApi();
    const few = many.slice(0, 30);
    for (const name of few) {
      await ensureGroup(name);
      await addMember(db(), name, user.id);
    }
    const edge = workerWith({ APPS: appsWith(few) });
    const cookie = await signInByLink(user.email, edge);
    expect(cookie.length).toBeGreaterThan(2048);
    const echo = await echoOf(await edge("/many/x", { headers: { Cookie: cookie } }));
    expect(decodeJwt(echo.headers["sesame-assertion"]!).groups).toHaveLength(30);
  });
});
