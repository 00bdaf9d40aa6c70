/**
 * The `continue` value (docs/security.md, "Returning after sign-in"): a sign-in that began on
 * an internal page comes back to it, signed and short-lived, and to no other page.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../src/config";
import { safeNext } from "../src/http/safe-next";
import { continueNext, readContinue } from "../src/login/continue";
import { deriveKey, encodeBase64url, hmac } from "../src/tokens";
import { Browser, edgeAt } from "./support/browser";

const AUTH = "http://localhost:8787";
const config = parseConfig(env as never);
const edge = edgeAt({});
const AUTHORIZE = "/.sesame/oidc/authorize?client_id=grafana&state=a%26b";

describe("the continue value", () => {
  it("is a same-site next that safeNext keeps as it is", async () => {
    const next = await continueNext(config, AUTHORIZE);
    expect(next).toMatch(/^\/\.sesame\/continue\/[\w-]+\.[\w-]{43}$/);
    expect(safeNext(next)).toBe(next);
  });

  it("brings the browser back to the page it names, query included", async () => {
    const next = await continueNext(config, "/.sesame/admin/users?q=a%26b");
    const res = await new Browser(edge).open(`${AUTH}${next}`);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/.sesame/admin/users?q=a%26b");
  });

  it("goes on to OIDC authorize by a page that refreshes there, so the sign-in form's redirects never end on the app", async () => {
    const next = await continueNext(config, AUTHORIZE);
    const res = await new Browser(edge).open(`${AUTH}${next}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Location")).toBeNull();
    expect(res.headers.get("Refresh")).toBe(`0;url=${AUTHORIZE}`);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await res.text()).toContain(`href="${AUTHORIZE.replace("&", "&amp;")}"`);
  });

  it("goes to the console's pages, the cross-host sign-in and OIDC authorize, and to nothing else under the prefix", async () => {
    for (const allowed of ["/.sesame/admin", "/.sesame/admin/users?q=a", "/.sesame/sso?app=wiki", AUTHORIZE]) {
      expect(await readContinue(config, (await continueNext(config, allowed)).split("/").pop()!), allowed).toBe(allowed);
    }
    for (const refused of [
      "/.sesame/logout",
      "/.sesame/admin/api/users",
      "/.sesame/admin/api",
      "/.sesame/link?sesame=x",
      "/.sesame/ssox",
      "/.sesame/admin/../logout",
      "/.sesame/admin/%2e%2e/logout",
      "/.sesame/admin%2fapi/users",
      "/.sesame/admin/%61pi/users",
      "/.sesame/%61dmin",
      "/home",
      "//evil.example/.sesame/sso",
      "https://evil.example/.sesame/sso",
    ]) {
      await expect(continueNext(config, refused), refused).rejects.toThrow(/not an allowed internal route/);
    }
  });

  it("expires: the time to read the email and use its link, plus fifteen minutes on the form", async () => {
    const now = Date.UTC(2026, 10, 29, 12);
    const value = (await continueNext(config, AUTHORIZE, now)).split("/").pop()!;
    const life = (config.link.maxAgeSeconds + 15 * 60) * 1000;
    expect(await readContinue(config, value, now + life - 1000)).toBe(AUTHORIZE);
    expect(await readContinue(config, value, now + life)).toBeNull();
  });

  it("refuses a forged, edited, re-signed or malformed value with the error page, never a redirect", async () => {
    const value = (await continueNext(config, AUTHORIZE)).split("/").pop()!;
    const [payload, mac] = value.split(".") as [string, string];
    const otherPayload = btoa(JSON.stringify(["/.sesame/logout", 9_999_999_999]))
      .replace(/=+$/, "")
      .replaceAll("+", "-")
      .replaceAll("/", "_");
    const otherSecret = parseConfig({ ...env, SESAME_SECRET: "another-secret-of-at-least-thirty-two-bytes!!" } as never);
    const resigned = (await continueNext(otherSecret, AUTHORIZE)).split("/").pop()!;
    for (const bad of [
      `${otherPayload}.${mac}`,
      // The last character changed (a MAC of 32 bytes ends in one of 16 characters, "A" among them).
      `${payload}.${mac.slice(0, -1)}${mac.endsWith("A") ? "E" : "A"}`,
      resigned,
      payload,
      `${payload}.`,
      "x.y",
      `${payload}=.${mac}`,
    ]) {
      expect(await readContinue(config, bad), bad).toBeNull();
      const res = await new Browser(edge).open(`${AUTH}/.sesame/continue/${bad}`);
      expect(res.status, bad).toBe(400);
      expect(res.headers.get("Location"), bad).toBeNull();
    }
  });

  it("checks the allow-list again when the value comes back, so a genuinely signed value for another page opens nothing", async () => {
    const payload = encodeBase64url(new TextEncoder().encode(JSON.stringify(["/.sesame/logout", 9_999_999_999])));
    const key = await deriveKey(config.secrets.sesame[0], "continue");
    const mac = encodeBase64url(await hmac(key, new TextEncoder().encode(payload)));
    expect(await readContinue(config, `${payload}.${mac}`)).toBeNull();
    const control = encodeBase64url(new TextEncoder().encode(JSON.stringify([AUTHORIZE, 9_999_999_999])));
    const controlMac = encodeBase64url(await hmac(key, new TextEncoder().encode(control)));
    expect(await readContinue(config, `${control}.${controlMac}`)).toBe(AUTHORIZE);
  });

  it("accepts a value signed under a fallback secret while the secret rotates", async () => {
    const old = parseConfig({ ...env, SESAME_SECRET: "the-previous-secret-of-at-least-thirty-two-bytes" } as never);
    const rotated = parseConfig({
      ...env,
      SESAME_SECRET: "the-current-secret-of-at-least-thirty-two-bytes!",
      SESAME_SECRET_FALLBACKS: "the-previous-secret-of-at-least-thirty-two-bytes",
    } as never);
    const value = (await continueNext(old, AUTHORIZE)).split("/").pop()!;
    expect(await readContinue(rotated, value)).toBe(AUTHORIZE);
  });

  it("is served on the auth host only, not on an app host", async () => {
    const apps = JSON.stringify([
      {
        name: "wiki",
        hosts: ["wiki.example.com"],
        origin: env.ORIGIN_URL,
        policies: [{ name: "all", path: "/*", action: "allow", include: [{ everyone: true }] }],
      },
    ]);
    const next = await continueNext(config, AUTHORIZE);
    expect((await new Browser(edgeAt({ APPS: apps })).open(`http://wiki.example.com${next}`)).status).toBe(404);
  });
});
