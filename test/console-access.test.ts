/**
 * Who may open the admin console (docs/admin-console.md, "Who may use it"): members of
 * ADMIN_GROUP signed in by link or code, checked against D1 on every request; everyone else
 * is sent to sign in (and back through the continue value) or gets a 403 page.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { removeMember } from "../src/groups/store";
import { revokeSession } from "../src/sessions";
import { findUserById } from "../src/users/store";
import {
  ADMIN_GROUP,
  auditRows,
  CONSOLE,
  consoleGet,
  consolePost,
  makeAdmin,
  newUser,
  pageText,
  sessionFor,
  signedInAdmin,
} from "./console-support";
import { deps, userWithServiceToken } from "./gate-support";
import { worker } from "./login-helpers";

describe("the admin console's door", () => {
  it("sends a browser that is not signed in to the sign-in page, to come back through a continue value", async () => {
    const res = await consoleGet("/users?email=ab", null);
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("Location") ?? "", "http://localhost:8787");
    expect(location.pathname).toBe("/.sesame/login");
    expect(location.searchParams.get("next")).toMatch(/^\/\.sesame\/continue\//);
    // After the sign-in, the continue value leads back to the page that was asked for.
    const back = await worker(location.searchParams.get("next") ?? "");
    expect(back.status).toBe(302);
    expect(back.headers.get("Location")).toBe(`${CONSOLE}/users?email=ab`);
  });

  it("sends a form POST without a session to sign in and back to the console's front page, never replaying the form", async () => {
    const res = await consolePost("/users", { email: "replay@example.com" }, null);
    expect(res.status).toBe(303);
    const next = new URL(res.headers.get("Location") ?? "", "http://localhost:8787").searchParams.get("next") ?? "";
    expect((await worker(next)).headers.get("Location")).toBe(CONSOLE);
  });

  it("shows the console to an admin, with no-store, no-referrer, a strict CSP and no framing", async () => {
    const { cookie, user } = await signedInAdmin();
    const res = await consoleGet("/users", cookie);
    const html = await pageText(res);
    expect(html).toContain(`Signed in as ${user.email}`);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("default-src 'none'");
  });

  it("sends /admin itself to the users page", async () => {
    const { cookie } = await signedInAdmin();
    const res = await consoleGet("", cookie);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`${CONSOLE}/users`);
  });

  it("answers a signed-in user outside the admin group with a 403 page naming them, and audits it", async () => {
    const user = await newUser("plain");
    const { cookie } = await sessionFor(user);
    const html = await pageText(await consoleGet("/users", cookie), 403);
    expect(html).toContain(user.email);
    expect(html).toContain("Use another account");
    expect(html).not.toContain("Create a user");
    const [row] = await auditRows("admin_denied", user.id);
    expect(row?.userId).toBe(user.id);
  });

  it("closes at once for an admin removed from the group: membership is read from D1 on every request", async () => {
    const { cookie, user } = await signedInAdmin();
    await pageText(await consoleGet("/users", cookie));
    await removeMember(deps().db, ADMIN_GROUP, user.id);
    await pageText(await consoleGet("/users", cookie), 403);
  });

  it("closes at once when the admin's session is revoked", async () => {
    const { cookie, sessionId } = await signedInAdmin();
    await revokeSession(deps(), sessionId);
    expect((await consoleGet("/users", cookie)).status).toBe(303);
  });

  it("never opens for a service token, even one of an admin", async () => {
    const { user, token } = await userWithServiceToken("console");
    await makeAdmin((await findUserById(deps().db, user.id))!);
    const res = await worker(`${CONSOLE}/users`, { headers: { Authorization: `Bearer ${token}`, Accept: "text/html" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toMatch(/^\/\.sesame\/login\?/);
  });

  it("refuses a cross-site form POST and changes nothing", async () => {
    const { cookie } = await signedInAdmin();
    const email = `cross-site-${crypto.randomUUID()}@example.com`;
    const res = await consolePost("/users", { email, active: "yes" }, cookie, { headers: { Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    const found = await env.DB.prepare("SELECT id FROM users WHERE email = ?").bind(email).first();
    expect(found).toBeNull();
  });

  it("refuses a POST that says neither its origin nor that it is same-origin", async () => {
    const { cookie } = await signedInAdmin();
    const res = await consolePost("/users", { email: "x@example.com" }, cookie, { headers: {} });
    expect(res.status).toBe(403);
  });
});
