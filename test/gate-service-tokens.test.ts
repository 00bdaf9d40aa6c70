import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { revokedTokenKey } from "../src/kv/keys";
import { hashToken } from "../src/tokens";
import { admin, adminOk, createUserViaApi, expectError } from "./admin-client";
import { gate } from "./gate-support";

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const DAY_MS = 86_400_000;

interface Issued {
  id: string;
  name: string;
  token: string;
  expiresAt: string;
}

describe("issuing service tokens", () => {
  it("gives id, name, token and expiry, 90 days by default", async () => {
    const user = await createUserViaApi();
    const res = await admin("POST", `/users/${user.id}/service-tokens`, { json: { name: " deploy-bot " } });
    expect(res.status).toBe(201);
    const issued = (await res.json()) as Issued;
    expect(Object.keys(issued).sort()).toEqual(["expiresAt", "id", "name", "token"]);
    expect(issued.name).toBe("deploy-bot");
    expect(issued.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(issued.expiresAt).toMatch(ISO);
    const days = (Date.parse(issued.expiresAt) - Date.now()) / DAY_MS;
    expect(days).toBeGreaterThan(89.99);
    expect(days).toBeLessThanOrEqual(90);
    expect((await gate("/x", { headers: { Authorization: `Bearer ${issued.token}` } })).status).toBe(200);
  });

  it("takes maxAge in seconds, up to one year, and accepts the user's email", async () => {
    const user = await createUserViaApi();
    const issued = await adminOk<Issued>("POST", `/users/${encodeURIComponent(user.email.toUpperCase())}/service-tokens`, 201, {
      json: { name: "short", maxAge: 3600 },
    });
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeLessThanOrEqual(3600_000);
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
  });

  it("refuses bad input naming the field", async () => {
    const user = await createUserViaApi();
    const path = `/users/${user.id}/service-tokens`;
    await expectError(await admin("POST", path, { json: {} }), 400, "name");
    await expectError(await admin("POST", path, { json: { name: "" } }), 400, "name");
    await expectError(await admin("POST", path, { json: { name: "   " } }), 400, "name");
    await expectError(await admin("POST", path, { json: { name: 5 } }), 400, "name");
    await expectError(await admin("POST", path, { json: { name: "x".repeat(101) } }), 400, "name");
    await expectError(await admin("POST", path, { json: { name: "a\nb" } }), 400, "name");
    await expectError(await admin("POST", path, { json: { name: "ok", maxAge: 59 } }), 400, "maxAge");
    await expectError(await admin("POST", path, { json: { name: "ok", maxAge: 31_536_001 } }), 400, "maxAge");
    await expectError(await admin("POST", path, { json: { name: "ok", maxAge: "3600" } }), 400, "maxAge");
    await expectError(await admin("POST", path, { json: { name: "ok", scope: "admin" } }), 400, "scope");
    await expectError(await admin("POST", path, { raw: "{nope" }), 400, "body");
  });

  it("answers 404 for an unknown user and 409 for an inactive one", async () => {
    await expectError(await admin("POST", `/users/${crypto.randomUUID()}/service-tokens`, { json: { name: "x" } }), 404);
    const inactive = await createUserViaApi({ active: false });
    await expectError(await admin("POST", `/users/${inactive.id}/service-tokens`, { json: { name: "x" } }), 409, "user");
  });

  it("requires the admin token", async () => {
    const user = await createUserViaApi();
    await expectError(await admin("POST", `/users/${user.id}/service-tokens`, { json: { name: "x" }, authorization: null }), 401);
  });
});

describe("listing service tokens", () => {
  it("lists a user's tokens newest first, with times and no token or hash", async () => {
    const user = await createUserViaApi();
    const first = await adminOk<Issued>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "first" } });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await adminOk<Issued>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "second" } });
    const { serviceTokens } = await adminOk<{ serviceTokens: Record<string, unknown>[] }>("GET", `/users/${user.id}/service-tokens`, 200);
    expect(serviceTokens.map((t) => t.id)).toEqual([second.id, first.id]);
    expect(serviceTokens[0]).toEqual({
      id: second.id,
      name: "second",
      createdAt: expect.stringMatching(ISO),
      expiresAt: second.expiresAt,
      revokedAt: null,
    });
    const text = JSON.stringify(serviceTokens);
    expect(text).not.toContain(first.token);
    expect(text).not.toContain(await hashToken(first.token));
  });

  it("lists nothing for a user without tokens, and 404 for an unknown user", async () => {
    const user = await createUserViaApi();
    expect(await adminOk("GET", `/users/${user.id}/service-tokens`, 200)).toEqual({ serviceTokens: [] });
    await expectError(await admin("GET", `/users/nobody-${crypto.randomUUID()}@example.com/service-tokens`), 404);
  });
});

describe("revoking a service token", () => {
  it("answers 204, marks the row, writes the hash into KV with a TTL, and the bearer stops working", async () => {
    const user = await createUserViaApi();
    const issued = await adminOk<Issued>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "ci", maxAge: 7200 } });
    expect((await gate("/x", { headers: { Authorization: `Bearer ${issued.token}` } })).status).toBe(200);

    const res = await admin("DELETE", `/service-tokens/${issued.id}`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");

    const { serviceTokens } = await adminOk<{ serviceTokens: { id: string; revokedAt: string | null }[] }>(
      "GET",
      `/users/${user.id}/service-tokens`,
      200,
    );
    expect(serviceTokens[0]!.revokedAt).toMatch(ISO);
    const stored = await env.REVOKED.getWithMetadata(revokedTokenKey(await hashToken(issued.token)));
    expect(stored.value).toBe("1");
    expect((await gate("/x", { headers: { Authorization: `Bearer ${issued.token}` } })).status).toBe(401);
  });

  it("is idempotent and keeps the first revocation time", async () => {
    const user = await createUserViaApi();
    const issued = await adminOk<Issued>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "ci" } });
    await adminOk("DELETE", `/service-tokens/${issued.id}`, 204);
    const list = () => adminOk<{ serviceTokens: { revokedAt: string }[] }>("GET", `/users/${user.id}/service-tokens`, 200);
    const before = (await list()).serviceTokens[0]!.revokedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await adminOk("DELETE", `/service-tokens/${issued.id.toUpperCase()}`, 204);
    expect((await list()).serviceTokens[0]!.revokedAt).toBe(before);
  });

  it("answers 404 for an unknown or malformed id", async () => {
    await expectError(await admin("DELETE", `/service-tokens/${crypto.randomUUID()}`), 404);
    await expectError(await admin("DELETE", "/service-tokens/not-an-id"), 404);
  });

  it("leaves the user's other tokens working", async () => {
    const user = await createUserViaApi();
    const a = await adminOk<Issued>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "a" } });
    const b = await adminOk<Issued>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "b" } });
    await adminOk("DELETE", `/service-tokens/${a.id}`, 204);
    expect((await gate("/x", { headers: { Authorization: `Bearer ${b.token}` } })).status).toBe(200);
  });
});

describe("service tokens and the user's state", () => {
  it("die with revoke-tokens (a new security stamp)", async () => {
    const user = await createUserViaApi();
    const issued = await adminOk<Issued>("POST", `/users/${user.id}/service-tokens`, 201, { json: { name: "ci" } });
    await adminOk("POST", `/users/${user.id}/revoke-tokens`, 200);
    // This isolate has not remembered the token yet, so the stamp is checked now.
    expect((await gate("/x", { headers: { Authorization: `Bearer ${issued.token}` } })).status).toBe(401);
  });
});
