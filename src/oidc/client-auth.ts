/**
 * Client authentication at the token endpoint (RFC 6749 section 2.3.1): `client_secret_basic`
 * (HTTP Basic, id and secret form-urlencoded first) or `client_secret_post` (both in the
 * body); a public client sends its id only (`none`) and proves itself with PKCE. One method
 * per request. Every failure is the same `invalid_client`, 401, so nothing tells an unknown
 * client from a wrong secret.
 */
import type { Database } from "../db/client";
import { type Client, clientSecretMatches, findClient } from "./clients";
import { oauthError } from "./responses";

const MAX_CREDENTIAL_LENGTH = 256;

export type ClientAuth = { ok: true; client: Client } | { ok: false; response: Response };

function decodeBasic(header: string): { id: string; secret: string } | null {
  try {
    const decoded = atob(header.slice(6).trim());
    const colon = decoded.indexOf(":");
    if (colon === -1) return null;
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, " ")),
      secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, " ")),
    };
  } catch {
    return null;
  }
}

export async function authenticateClient(db: Database, request: Request, params: URLSearchParams): Promise<ClientAuth> {
  const header = request.headers.get("Authorization");
  const basic = header !== null && /^basic /i.test(header);
  const refuse = () => ({
    ok: false as const,
    response: oauthError("invalid_client", "client authentication failed", 401, basic ? { "WWW-Authenticate": 'Basic realm="oidc"' } : {}),
  });
  const bodyId = params.get("client_id");
  const bodySecret = params.get("client_secret");
  let id: string | null;
  let secret: string | null;
  if (basic) {
    if (bodySecret !== null) return { ok: false, response: oauthError("invalid_request", "use one client authentication method, not two") };
    const credentials = decodeBasic(header);
    if (!credentials) return refuse();
    if (bodyId !== null && bodyId !== credentials.id) return refuse();
    ({ id, secret } = credentials);
  } else {
    id = bodyId;
    secret = bodySecret;
  }
  if (!id || id.length > MAX_CREDENTIAL_LENGTH || (secret !== null && secret.length > MAX_CREDENTIAL_LENGTH)) return refuse();
  const client = await findClient(db, id);
  if (!client) return refuse();
  if (client.type === "public") return secret === null || secret === "" ? { ok: true, client } : refuse();
  if (!secret || !(await clientSecretMatches(client, secret))) return refuse();
  return { ok: true, client };
}
