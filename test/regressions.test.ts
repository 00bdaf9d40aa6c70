/**
 * Defects the hostile generators found, pinned as plain inputs so they stay fixed whatever
 * seed a run draws, and run by `npm test` (the hostile surfaces themselves run in CI). Each
 * names the surface and seed that first showed it.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueToken } from "../src/auth/token-service";
import { safeNext } from "../src/http/safe-next";
import {
  echoOf,
  edge,
  formBody,
  formInit,
  hiddenField,
  makeUser,
  PREFIX,
  percentEncode,
  sessionFor,
  tokenDeps,
} from "./hostile/support/edge";
import { isOffSite } from "./hostile/support/redirects";

describe("next values that dot segments turn into an encoded slash (next-values surface, seed 3007964402)", () => {
  // Each passes the decoded-layer check as given (its first segment is "a" or ".."), but the
  // URL parser removes the dot segments and what is left decodes to "//host".
  const found = [
    "/.%2e/%2fevil.com",
    "/.%2E/%2F127.0.0.1",
    "/%2e%2e/%2f0x7f%2e1",
    "/a/../../%2F%2F[::ffff:7f00:1]",
    "/a/a/a/a/a/../../../../../../../%2F%2F127.0.0.1",
    "/a/../../../../../../../../／／evil.com",
    "/a/a/../../../%2Fjavascript://%0aalert(1)",
  ];

  it.each(found)("safeNext(%j) is a path that stays on this site through every decoding", (next) => {
    const result = safeNext(next);
    expect(isOffSite(result), result).toBe(false);
    // What safeNext returns must pass safeNext unchanged: it is the value pages and emails carry.
    expect(safeNext(result)).toBe(result);
  });

  it.each(found)("the sign-in page and a redeemed link never carry %j off this site", async (next) => {
    const page = await edge(`${PREFIX}/login?next=${percentEncode(next)}`, { headers: { Accept: "text/html" } });
    expect(isOffSite(hiddenField(await page.text(), "next"))).toBe(false);

    const token = (await issueToken(tokenDeps(), await makeUser("regression-next"))).token;
    const redeemed = await edge(`${PREFIX}/link`, formInit(formBody({ sesame: token, next }), "10.1.2.3"));
    expect(redeemed.status).toBe(303);
    expect(isOffSite(redeemed.headers.get("Location")), String(redeemed.headers.get("Location"))).toBe(false);
  });

  it("keeps dot segments that resolve to an ordinary path", () => {
    expect(safeNext("/a/b/../c?x=1")).toBe("/a/c?x=1");
    expect(safeNext("/a/%2e%2e/b")).toBe("/b");
  });
});

describe("an admin body with an empty key (admin API JSON surface, seed 2768609174)", () => {
  it("answers 400 naming the field, even when its name is the empty string", async () => {
    const user = await makeUser("regression-empty-key");
    for (const [path, body] of [
      [`/users/${user.id}/revoke-tokens`, '{"":null}'],
      ["/users", '{"email":"a@example.com","":1}'],
    ] as const) {
      const response = await edge(`${PREFIX}/admin/api${path}`, {
        method: "POST",
        headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json", Accept: "application/json" },
        body,
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "invalid_request", field: "" });
    }
  });
});

describe("X-Forwarded-* headers the gate does not set itself (identity headers surface, seed 2606359103)", () => {
  const forged = [
    "X-Forwarded-Prefix",
    "X-Forwarded-Uri",
    "X-Forwarded-Method",
    "X-Forwarded-Server",
    "X-Forwarded-Ssl",
    "X-Forwarded-Scheme",
    "X-Forwarded-Path",
    "X-Forwarded-Client-Cert",
  ];

  it.each(forged)("never lets a client-sent %s reach the origin (docs/security.md: all client-sent X-Forwarded-*)", async (name) => {
    const { cookie } = await sessionFor(await makeUser("regression-forwarded"));
    const response = await edge("/app/resource", { headers: { Cookie: cookie, Accept: "application/json", [name]: "forged-by-client" } });
    const echo = await echoOf(response);
    expect(echo, `status ${response.status}`).not.toBeNull();
    expect(echo!.headers[name.toLowerCase()]).toBeUndefined();
  });
});
