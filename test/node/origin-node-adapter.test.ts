/**
 * The Node adapter on a real node:http server: the identity reaches the handler as
 * req.sesame only from a verified assertion; everything else is answered before it.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SesameIdentity } from "../../src/origin/index.ts";
import { type SesameNodeRequest, sesameExpress } from "../../src/origin/node.ts";
import { AUDIENCE, createSigner, ISSUER, nowSeconds, signAssertion, type TestSigner } from "../origin-fixtures.ts";
import { closedPortUrl, type JwksServer, startJwksServer } from "./origin-jwks-server.ts";

let signer: TestSigner;
let jwks: JwksServer;
let handled = 0;
const servers: Server[] = [];

/** A plain node:http origin: the middleware, then a handler echoing req.sesame as JSON. */
async function startOrigin(jwksUrl: string): Promise<string> {
  const sesame = sesameExpress({ jwksUrl, issuer: ISSUER, audience: AUDIENCE });
  const server = createServer((req, res) => {
    void sesame(req, res, (error) => {
      if (error) {
        res.writeHead(500).end();
        return;
      }
      handled += 1;
      const identity = (req as IncomingMessage & SesameNodeRequest).sesame as SesameIdentity;
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(identity));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let origin: string;

beforeAll(async () => {
  signer = await createSigner();
  jwks = await startJwksServer({ keys: [signer.publicJwk] });
  origin = await startOrigin(jwks.url);
});
afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  await jwks.close();
});

describe("sesameExpress on node:http", () => {
  it("sets req.sesame from a valid assertion and calls next", async () => {
    const token = await signAssertion(signer, { sub: "usr_erin", email: "erin@example.com", amr: "service", scope: "api" });
    const res = await fetch(`${origin}/reports`, { headers: { "Sesame-Assertion": token } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ userId: "usr_erin", email: "erin@example.com", amr: "service", scope: "api" });
  });

  it("answers 401 JSON without calling next when the assertion is missing", async () => {
    const before = handled;
    const res = await fetch(`${origin}/reports`);
    expect(res.status).toBe(401);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("www-authenticate")).toMatch(/^Sesame-Assertion /);
    expect(await res.json()).toMatchObject({ error: "missing_assertion" });
    expect(handled).toBe(before);
  });

  it("refuses Sesame-User-* headers sent by a client that reached the origin directly", async () => {
    const before = handled;
    const forged = { "Sesame-User-Id": "usr_admin", "Sesame-User-Email": "admin@example.com" };
    const bare = await fetch(`${origin}/admin`, { headers: forged });
    expect(bare.status).toBe(401);
    const withBad = await fetch(`${origin}/admin`, { headers: { ...forged, "Sesame-Assertion": "eyJhbGciOiJub25lIn0.e30." } });
    expect(withBad.status).toBe(401);
    expect(await withBad.json()).toMatchObject({ error: "invalid_assertion" });
    expect(handled).toBe(before);
  });

  it("gives the handler the assertion's identity, not the forged headers'", async () => {
    const token = await signAssertion(signer, { sub: "usr_frank", email: "frank@example.com" });
    const res = await fetch(`${origin}/`, {
      headers: { "Sesame-Assertion": token, "Sesame-User-Id": "usr_admin", "Sesame-User-Email": "admin@example.com" },
    });
    expect(await res.json()).toMatchObject({ userId: "usr_frank", email: "frank@example.com" });
  });

  it("answers an expired assertion with 401 expired and does not echo it", async () => {
    const now = nowSeconds();
    const token = await signAssertion(signer, { iat: now - 100, exp: now - 40 });
    const res = await fetch(`${origin}/`, { headers: { "Sesame-Assertion": token } });
    expect(res.status).toBe(401);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ error: "expired" });
    expect(body).not.toContain(token.split(".")[1]!);
  });

  it("refuses two assertions in one request", async () => {
    const token = await signAssertion(signer);
    const headers = new Headers();
    headers.append("Sesame-Assertion", token);
    headers.append("Sesame-Assertion", token);
    const res = await fetch(`${origin}/`, { headers });
    expect(res.status).toBe(401);
  });

  it("answers 503 jwks_unavailable with Retry-After when the edge's keys cannot be fetched", async () => {
    const down = await startOrigin(await closedPortUrl());
    const res = await fetch(`${down}/`, { headers: { "Sesame-Assertion": await signAssertion(signer) } });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toMatchObject({ error: "jwks_unavailable" });
  });

  it("removes an identity set earlier on the request when verification fails", async () => {
    const sesame = sesameExpress({ jwksUrl: jwks.url, issuer: ISSUER, audience: AUDIENCE });
    const req: SesameNodeRequest = { headers: {}, sesame: { email: "stale@example.com" } as SesameIdentity };
    const res = { statusCode: 200, setHeader: () => undefined, end: () => undefined };
    let nextCalled = false;
    await sesame(req, res, () => (nextCalled = true));
    expect(res.statusCode).toBe(401);
    expect(req.sesame).toBeUndefined();
    expect(nextCalled).toBe(false);
  });

  it("checks its options when it is created", () => {
    expect(() => sesameExpress({ jwksUrl: "not a url", issuer: ISSUER, audience: AUDIENCE })).toThrow(TypeError);
  });
});
