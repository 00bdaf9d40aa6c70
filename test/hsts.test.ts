/**
 * Strict-Transport-Security on every answer of an https edge (docs/security.md): its pages,
 * refusals, errors, redirects and the origin's proxied responses; never over plain http.
 */
import { describe, expect, it } from "vitest";
import { adminOk, createUserViaApi } from "./admin-client";
import { workerWith } from "./gate-support";

/** The echo origin's misbehaving paths are public here, so no session (whose cookie name follows PUBLIC_URL) is needed. */
const PUBLIC_PATHS = "/public/*,/__redirect,/__reset,/__hsts";
const HTTPS = { PUBLIC_URL: "https://gate.example.com", MAILER: "mailchannels", MAILCHANNELS_API_KEY: "unused", PUBLIC_PATHS };

/** One request of each kind the edge answers, with what it should answer. */
async function answers(edge: (path: string, init?: RequestInit) => Promise<Response>): Promise<[string, Response][]> {
  const user = await createUserViaApi();
  const share = await adminOk<{ token: string }>("POST", `/users/${user.id}/share-links`, 201, { json: { path: "/shared" } });
  const html = { Accept: "text/html" };
  return [
    ["sign-in page", await edge("/.sesame/login", { headers: html })],
    ["stylesheet", await edge("/.sesame/style.css")],
    ["JSON API answer", await edge("/.sesame/health")],
    ["auth-prefix 404", await edge("/.sesame/no-such-page", { headers: html })],
    ["JWKS", await edge("/.well-known/jwks.json")],
    ["gate refusal (401)", await edge("/app/x", { headers: { Accept: "application/json" } })],
    ["sign-in redirect (302)", await edge("/app/x", { headers: html })],
    ["share-token redirect (303)", await edge(`/shared?sesame=${share.token}`, { headers: html })],
    ["proxied public path", await edge("/public/x")],
    ["proxied origin redirect", await edge("/__redirect")],
    ["origin failure (502)", await edge("/__reset")],
    ["forward-auth refusal", await edge("/.sesame/verify")],
  ];
}

describe("Strict-Transport-Security", () => {
  it("is on every answer of an https edge, for a year", async () => {
    const list = await answers(workerWith(HTTPS));
    for (const [kind, res] of list) expect(res.headers.get("Strict-Transport-Security"), kind).toBe("max-age=31536000");
    expect(list.map(([, res]) => res.status)).toEqual([200, 200, 200, 404, 200, 401, 302, 303, 200, 302, 502, 401]);
  });

  it("adds includeSubDomains when HSTS_INCLUDE_SUBDOMAINS is true", async () => {
    for (const [kind, res] of await answers(workerWith({ ...HTTPS, HSTS_INCLUDE_SUBDOMAINS: "true" }))) {
      expect(res.headers.get("Strict-Transport-Security"), kind).toBe("max-age=31536000; includeSubDomains");
    }
  });

  it("keeps an origin's own value when it asks at least as much, so a preloaded domain keeps preload", async () => {
    const edge = workerWith({ ...HTTPS, HSTS_INCLUDE_SUBDOMAINS: "true" });
    const hsts = async (value: string) =>
      (await edge(`/__hsts?value=${encodeURIComponent(value)}`)).headers.get("Strict-Transport-Security");
    const preload = "max-age=63072000; includeSubDomains; preload";
    expect(await hsts(preload)).toBe(preload);
    expect(await hsts("max-age=31536000; INCLUDESUBDOMAINS")).toBe("max-age=31536000; INCLUDESUBDOMAINS");
    // Weaker, or not one clear max-age: the edge's value, never the origin's.
    for (const weaker of [
      "max-age=0",
      "max-age=63072000",
      "max-age=86400; includeSubDomains",
      "max-age=1; max-age=63072000; includeSubDomains",
      "includeSubDomains",
      "max-age=abc; includeSubDomains",
    ]) {
      expect(await hsts(weaker), weaker).toBe("max-age=31536000; includeSubDomains");
    }
    // Without HSTS_INCLUDE_SUBDOMAINS, a year without includeSubDomains is as strong as the edge's.
    expect(
      await workerWith(HTTPS)(`/__hsts?value=${encodeURIComponent("max-age=63072000")}`).then((r) =>
        r.headers.get("Strict-Transport-Security"),
      ),
    ).toBe("max-age=63072000");
  });

  it("is never sent over plain http", async () => {
    for (const [kind, res] of await answers(workerWith({ PUBLIC_PATHS })))
      expect(res.headers.get("Strict-Transport-Security"), kind).toBeNull();
  });
});
