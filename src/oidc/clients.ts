/**
 * OpenID Connect clients (docs/oidc.md, "Clients"): registration input checked once, the
 * store, and client authentication at the token endpoint. A confidential client's secret is
 * 256 random bits, shown once; D1 keeps its hash only.
 */
import { desc, eq } from "drizzle-orm";
import { NAME_PATTERN } from "../access/parse-apps";
import type { Database } from "../db/client";
import { type OidcClient, oidcClients } from "../db/schema";
import { BadRequestError } from "../errors";
import { isLoopbackHost } from "../http/dev-hosts";
import { type JsonObject, readString, required } from "../http/json-body";
import { encodeBase64url, hashToken, timingSafeEqualSecrets } from "../tokens";
import type { IdTokenAlg } from "./signing-keys";

type ClientType = "confidential" | "public";

/** A client as the rest of the provider reads it: the JSON columns parsed. */
export interface Client {
  clientId: string;
  name: string;
  type: ClientType;
  secretHash: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  app: string | null;
  idTokenAlg: IdTokenAlg;
  createdAt: number;
}

/** Enough for any real app, few enough that a client row stays small. */
const MAX_URIS = 10;
const MAX_URI_LENGTH = 2000;
const MAX_NAME_LENGTH = 100;

function clientOf(row: OidcClient): Client {
  return {
    clientId: row.clientId,
    name: row.name,
    type: row.type as ClientType,
    secretHash: row.secretHash,
    redirectUris: JSON.parse(row.redirectUris) as string[],
    postLogoutRedirectUris: JSON.parse(row.postLogoutRedirectUris) as string[],
    app: row.app,
    idTokenAlg: row.idTokenAlg as IdTokenAlg,
    createdAt: row.createdAt,
  };
}

/**
 * A redirect URI a client may register: absolute, no fragment (RFC 6749 section 3.1.2), and
 * https, or http on a loopback host (a developer's machine, RFC 8252 section 7.3), or a
 * private-use scheme with a dot, like com.example.app:/callback (native apps, RFC 8252 section 7.1).
 */
function checkRedirectUri(raw: unknown, field: string): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_URI_LENGTH) {
    throw new BadRequestError(field, `${field} must hold absolute URIs of at most ${MAX_URI_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequestError(field, `${field} must hold absolute URIs, like https://app.example.com/callback`);
  }
  if (url.hash || raw.includes("#")) throw new BadRequestError(field, `${field} must not hold a URI with a fragment (#)`);
  if (url.username || url.password) throw new BadRequestError(field, `${field} must not hold a URI with credentials`);
  const scheme = url.protocol.slice(0, -1);
  const ok =
    scheme === "https" ||
    (scheme === "http" && isLoopbackHost(url.hostname)) ||
    (scheme.includes(".") && /^[a-z][a-z0-9.+-]*$/.test(scheme));
  if (!ok) {
    throw new BadRequestError(
      field,
      `${field} must hold https URIs (http only on localhost or a loopback address, or a private-use scheme like com.example.app:/callback)`,
    );
  }
  return raw;
}

function readUriList(body: JsonObject, field: string, nonEmpty: boolean): string[] {
  const raw = body[field];
  if (raw === undefined && !nonEmpty) return [];
  if (!Array.isArray(raw) || (nonEmpty && raw.length === 0) || raw.length > MAX_URIS) {
    throw new BadRequestError(field, `${field} must be a list of ${nonEmpty ? "1" : "0"} to ${MAX_URIS} URIs`);
  }
  const uris = raw.map((uri) => checkRedirectUri(uri, field));
  return [...new Set(uris)];
}

export interface NewClient {
  name: string;
  type: ClientType;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  app: string | null;
  idTokenAlg: IdTokenAlg;
}

/** Reads a registration (the admin API's POST /clients); 400 naming the field. */
export function readNewClient(body: JsonObject, algs: readonly IdTokenAlg[]): NewClient {
  const name = required(readString(body, "name", { maxLength: MAX_NAME_LENGTH, nonEmpty: true }), "name");
  const type = required(readString(body, "type", { maxLength: 16 }), "type");
  if (type !== "confidential" && type !== "public") throw new BadRequestError("type", "type must be confidential or public");
  const app = readString(body, "app", { maxLength: 64 }) ?? null;
  if (app !== null && !NAME_PATTERN.test(app)) throw new BadRequestError("app", "app must be an app name as in APPS, like wiki");
  const idTokenAlg = readString(body, "idTokenAlg", { maxLength: 8 }) ?? "RS256";
  if (idTokenAlg !== "RS256" && idTokenAlg !== "ES256") throw new BadRequestError("idTokenAlg", "idTokenAlg must be RS256 or ES256");
  if (!algs.includes(idTokenAlg)) {
    throw new BadRequestError("idTokenAlg", `idTokenAlg ${idTokenAlg} needs an ${idTokenAlg} key in OIDC_SIGNING_KEYS (docs/keys.md)`);
  }
  return {
    name,
    type,
    redirectUris: readUriList(body, "redirectUris", true),
    postLogoutRedirectUris: readUriList(body, "postLogoutRedirectUris", false),
    app,
    idTokenAlg,
  };
}

/**
 * A new client id: 128 random bits in base64url, drawn again while it starts with "-" or
 * "_". An id is typed into command lines (`npm run admin -- clients delete <id>`, the
 * apps' own CLIs), where a leading "-" reads as an option; one in 32 ids did.
 */
export function newClientId(): string {
  for (;;) {
    const id = encodeBase64url(crypto.getRandomValues(new Uint8Array(16)));
    if (/^[A-Za-z0-9]/.test(id)) return id;
  }
}

/** Stores a new client; returns it with its secret (confidential clients only), which is never stored. */
export async function createClient(db: Database, input: NewClient, now = Date.now()): Promise<{ client: Client; secret: string | null }> {
  const clientId = newClientId();
  const secret = input.type === "confidential" ? encodeBase64url(crypto.getRandomValues(new Uint8Array(32))) : null;
  const row = await db
    .insert(oidcClients)
    .values({
      clientId,
      name: input.name,
      type: input.type,
      secretHash: secret === null ? null : await hashToken(secret),
      redirectUris: JSON.stringify(input.redirectUris),
      postLogoutRedirectUris: JSON.stringify(input.postLogoutRedirectUris),
      app: input.app,
      idTokenAlg: input.idTokenAlg,
      createdAt: now,
    })
    .returning()
    .get();
  return { client: clientOf(row), secret };
}

export async function listClients(db: Database): Promise<Client[]> {
  const rows = await db.select().from(oidcClients).orderBy(desc(oidcClients.createdAt)).all();
  return rows.map(clientOf);
}

/** Client ids are 22 base64url characters; anything else is not looked up. */
const CLIENT_ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

export async function findClient(db: Database, clientId: string | undefined | null): Promise<Client | null> {
  if (!clientId || !CLIENT_ID_SHAPE.test(clientId)) return null;
  const row = await db.select().from(oidcClients).where(eq(oidcClients.clientId, clientId)).get();
  return row ? clientOf(row) : null;
}

/** Deletes the client; its codes and tokens go with it (foreign keys, ON DELETE CASCADE). */
export async function deleteClient(db: Database, clientId: string): Promise<boolean> {
  const result = await db.delete(oidcClients).where(eq(oidcClients.clientId, clientId)).run();
  return (result.meta.changes ?? 0) > 0;
}

/** True when `secret` is the client's (compared as hashes, in constant time). */
export async function clientSecretMatches(client: Client, secret: string): Promise<boolean> {
  if (client.secretHash === null) return false;
  return timingSafeEqualSecrets(await hashToken(secret), client.secretHash);
}

/** The JSON the admin API answers with: never the secret's hash. */
export function clientJson(client: Client) {
  return {
    clientId: client.clientId,
    name: client.name,
    type: client.type,
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    app: client.app,
    idTokenAlg: client.idTokenAlg,
    createdAt: new Date(client.createdAt).toISOString(),
  };
}
