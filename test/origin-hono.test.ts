/** The Hono adapter, in workerd: a Worker origin app that trusts only the verified assertion. */
import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { type SesameVariables, sesameHono } from "../src/origin/hono.ts";
import type { VerifyAssertionOptions } from "../src/origin/index.ts";
import { AUDIENCE, createSigner, ISSUER, jwksOf, nowSeconds, signAssertion, type TestSigner } from "./origin-fixtures.ts";

let signer: TestSigner;
let handled = 0;

function originApp(options: VerifyAssertionOptions) {
  const app = new Hono<{ Variables: SesameVariables }>();
  app.use(sesameHono(options));
  app.get("/whoami", (c) => {
    handled += 1;
    return c.json({ email: c.var.sesame.email, userId: c.var.sesame.userId, amr: c.var.sesame.amr });
  });
  return app;
}

let app: ReturnType<typeof originApp>;

beforeAll(async () => {
  signer = await createSigner();
  app = originApp({ jwks: jwksOf(signer), issuer: ISSUER, audience: AUDIENCE });
});

const call = (headers: Record<string, string> = {}) => app.request("/whoami", { headers });

describe("sesameHono", () => {
  it("sets c.var.sesame from a valid assertion and runs the handler", async () => {
    const token = await signAssertion(signer, { sub: "usr_dana", email: "dana@example.com", amr: "code" });
    const res = await call({ "Sesame-Assertion": token });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ email: "dana@example.com", userId: "usr_dana", amr: "code" });
  });

  it("answers 401 JSON with the code, a challenge and no-store when the assertion is missing", async () => {
    handled = 0;
    const res = await call();
    expect(res.status).toBe(401);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Sesame-Assertion /);
    expect(await res.json()).toMatchObject({ error: "missing_assertion" });
    expect(handled).toBe(0);
  });

  it("refuses Sesame-User-* headers forged without an assertion, never reaching the handler", async () => {
    handled = 0;
    const res = await call({ "Sesame-User-Id": "usr_admin", "Sesame-User-Email": "admin@example.com" });
    expect(res.status).toBe(401);
    const body = await res.text();
    expect(body).not.toContain("admin@example.com");
    expect(JSON.parse(body)).toMatchObject({ error: "missing_assertion" });
    expect(handled).toBe(0);
  });

  it("answers an expired assertion with 401 expired, without echoing it", async () => {
    const now = nowSeconds();
    const token = await signAssertion(signer, { iat: now - 120, exp: now - 60 });
    const res = await call({ "Sesame-Assertion": token });
    expect(res.status).toBe(401);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ error: "expired" });
    expect(body).not.toContain(token.split(".")[2]!);
  });

  it("answers 503 with Retry-After when the key set cannot be loaded", async () => {
    const down = originApp({
      jwks: async () => {
        throw new TypeError("fetch failed");
      },
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const res = await down.request("/whoami", { headers: { "Sesame-Assertion": await signAssertion(signer) } });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("5");
    expect(await res.json()).toMatchObject({ error: "jwks_unavailable" });
  });

  it("checks its options when it is created", () => {
    expect(() => sesameHono({ jwks: jwksOf(signer), issuer: ISSUER, audience: "" })).toThrow(TypeError);
    expect(() => sesameHono({ issuer: ISSUER, audience: AUDIENCE })).toThrow(/jwksUrl/);
  });
});
