/**
 * OpenID Connect clients (docs/admin-api.md, "OpenID Connect clients"): register, list,
 * delete. The secret of a confidential client is in the 201 answer and nowhere else, ever.
 * While the provider is off (OIDC_SIGNING_KEYS empty) these routes answer 404.
 */
import { Hono } from "hono";
import type { Config } from "../../config";
import type { AppEnv } from "../../env";
import { NotFoundError } from "../../errors";
import { readJsonObject } from "../../http/json-body";
import { clientJson, createClient, deleteClient, findClient, listClients, readNewClient } from "../../oidc/clients";
import { recordAdminEvent } from "./admin-audit";

const CLIENT_FIELDS = ["name", "redirectUris", "postLogoutRedirectUris", "type", "app", "idTokenAlg"];

export function clientAdminRoutes(config: Config) {
  const app = new Hono<AppEnv>();
  const algs = [...new Set((config.oidc?.signingKeys ?? []).map((key) => key.alg))];

  app.use("/clients/*", async function requireProvider(_c, next) {
    if (!config.oidc) throw new NotFoundError("The OpenID provider is off: set OIDC_SIGNING_KEYS (docs/oidc.md)");
    await next();
  });
  app.use("/clients", async function requireProvider(_c, next) {
    if (!config.oidc) throw new NotFoundError("The OpenID provider is off: set OIDC_SIGNING_KEYS (docs/oidc.md)");
    await next();
  });

  app.get("/clients", async function listClientsRoute(c) {
    return c.json({ clients: (await listClients(c.var.db)).map(clientJson) });
  });

  app.post("/clients", async function createClientRoute(c) {
    const input = readNewClient(await readJsonObject(c.req.raw, CLIENT_FIELDS), algs);
    const { client, secret } = await createClient(c.var.db, input);
    await recordAdminEvent(c, { event: "oidc_client_created", detail: { client: client.clientId, name: client.name, type: client.type } });
    return c.json({ client: clientJson(client), ...(secret === null ? {} : { clientSecret: secret }) }, 201);
  });

  app.delete("/clients/:clientId", async function deleteClientRoute(c) {
    const client = await findClient(c.var.db, c.req.param("clientId"));
    if (!client || !(await deleteClient(c.var.db, client.clientId))) throw new NotFoundError("No such client");
    await recordAdminEvent(c, { event: "oidc_client_deleted", detail: { client: client.clientId, name: client.name } });
    return c.body(null, 204);
  });

  return app;
}
