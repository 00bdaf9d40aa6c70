/** Registering OpenID Connect clients through the admin API (docs/admin-api.md, "OpenID Connect clients"). */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { oidcClients } from "../../src/db/schema";
import { newClientId } from "../../src/oidc/clients";
import { admin } from "../admin-client";
import { adminOf, oidcWorker, REDIRECT_URI, registerClient } from "./support";

describe("client ids", () => {
  it("are 128 random bits in base64url that never start with - or _, so no command line reads one as an option", () => {
    // With a plain base64url id, one in 32 starts with either: 3,000 draws would show some.
    const ids = Array.from({ length: 3000 }, newClientId);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("POST /clients", () => {
  it("registers a confidential client and shows its secret once; D1 keeps only a hash", async () => {
    const edge = await oidcWorker();
    const res = await adminOf(edge)("POST", "/clients", {
      name: "Grafana",
      type: "confidential",
      redirectUris: [REDIRECT_URI],
      postLogoutRedirectUris: ["https://rp.example/"],
      app: "wiki",
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { client: Record<string, unknown>; clientSecret: string };
    expect(body.client).toMatchObject({
      name: "Grafana",
      type: "confidential",
      redirectUris: [REDIRECT_URI],
      postLogoutRedirectUris: ["https://rp.example/"],
      app: "wiki",
      idTokenAlg: "RS256",
    });
    expect(body.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await createDb(env.DB).select().from(oidcClients).all();
    expect(JSON.stringify(rows)).not.toContain(body.clientSecret);

    const listed = (await (await adminOf(edge)("GET", "/clients")).json()) as { clients: Record<string, unknown>[] };
    const entry = listed.clients.find((client) => client.clientId === body.client.clientId);
    expect(entry).toMatchObject({ name: "Grafana", redirectUris: [REDIRECT_URI], type: "confidential", app: "wiki" });
    expect(JSON.stringify(listed)).not.toContain(body.clientSecret);
  });

  it("registers a public client without a secret, and an ES256 client when an ES256 key exists", async () => {
    const edge = await oidcWorker();
    const res = await adminOf(edge)("POST", "/clients", {
      name: "SPA",
      type: "public",
      redirectUris: ["http://127.0.0.1:5173/cb"],
      idTokenAlg: "ES256",
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty("clientSecret");
    expect(body.client).toMatchObject({ type: "public", idTokenAlg: "ES256" });
  });

  it.each([
    ["a missing name", { name: undefined }, "name"],
    ["an unknown type", { type: "trusted" }, "type"],
    ["no redirect URI", { redirectUris: [] }, "redirectUris"],
    ["a plain-http redirect URI off loopback", { redirectUris: ["http://rp.example/cb"] }, "redirectUris"],
    ["a redirect URI with a fragment", { redirectUris: ["https://rp.example/cb#x"] }, "redirectUris"],
    ["a relative redirect URI", { redirectUris: ["/cb"] }, "redirectUris"],
    ["a javascript: URI after logout", { postLogoutRedirectUris: ["javascript:alert(1)"] }, "postLogoutRedirectUris"],
    ["an app name that cannot be one", { app: "Not An App" }, "app"],
    ["an unknown ID token algorithm", { idTokenAlg: "HS256" }, "idTokenAlg"],
    ["an unknown field", { secret: "mine" }, "secret"],
  ])("refuses %s with 400 naming the field", async (_label, fields, field) => {
    const edge = await oidcWorker();
    const res = await adminOf(edge)("POST", "/clients", { name: "X", type: "confidential", redirectUris: [REDIRECT_URI], ...fields });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { field?: string }).field).toBe(field);
  });

  it("refuses ES256 when OIDC_SIGNING_KEYS has no ES256 key", async () => {
    const { newRsaKey } = await import("./support");
    const edge = await oidcWorker({ OIDC_SIGNING_KEYS: JSON.stringify([await newRsaKey("rs-only")]) });
    const res = await adminOf(edge)("POST", "/clients", {
      name: "X",
      type: "confidential",
      redirectUris: [REDIRECT_URI],
      idTokenAlg: "ES256",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: "idTokenAlg" });
  });

  it("needs the admin token", async () => {
    const edge = await oidcWorker();
    const res = await edge("/.sesame/admin/api/clients", { headers: { Authorization: "Bearer wrong-token-wrong-token-wrong-token" } });
    expect(res.status).toBe(401);
  });
});

describe("DELETE /clients/:clientId", () => {
  it("deletes the client (204), then answers 404", async () => {
    const edge = await oidcWorker();
    const { clientId } = await registerClient(edge);
    expect((await adminOf(edge)("DELETE", `/clients/${clientId}`)).status).toBe(204);
    expect((await adminOf(edge)("DELETE", `/clients/${clientId}`)).status).toBe(404);
    const listed = (await (await adminOf(edge)("GET", "/clients")).json()) as { clients: { clientId: string }[] };
    expect(listed.clients.map((c) => c.clientId)).not.toContain(clientId);
  });
});

describe("with the provider off", () => {
  it("answers 404 for every client route", async () => {
    expect((await admin("GET", "/clients")).status).toBe(404);
    expect((await admin("POST", "/clients", { json: { name: "X" } })).status).toBe(404);
  });
});
