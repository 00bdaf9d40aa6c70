/**
 * A relying party built on `openid-client` (the Node library most OpenID apps use), against a
 * real `wrangler dev` with the provider on: the helpers the OpenID Connect node tests share.
 * The worker's issuer is http://localhost:<port>, so the library is allowed plain http.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as oidc from "openid-client";
import { freshOidcSigningKeys } from "../../scripts/keys.mjs";
import { type LocalWorker, startLocalWorker } from "../../scripts/lib/local-worker.mjs";
import { testSigningKey } from "../support/test-env";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const REDIRECT_URI = "http://127.0.0.1:9/callback";
export const POST_LOGOUT_URI = "http://127.0.0.1:9/signed-out";

export interface Provider {
  worker: LocalWorker;
  /** http://localhost:<port>: the issuer, PUBLIC_URL's origin. */
  issuer: string;
  adminToken: string;
  admin: (method: string, path: string, body?: unknown) => Promise<Response>;
}

/** A fresh worker with the provider on; `vars` on top (OIDC_CODE_TTL, OIDC_REFRESH_REUSE_GRACE...). */
export async function startProvider(vars: Record<string, string> = {}): Promise<Provider> {
  const adminToken = randomBytes(32).toString("base64url");
  const worker = await startLocalWorker({
    root: ROOT,
    vars: {
      SESAME_SECRET: randomBytes(32).toString("base64url"),
      SESAME_SECRET_FALLBACKS: "",
      SIGNING_KEYS: JSON.stringify([await testSigningKey("gate-key")]),
      OIDC_SIGNING_KEYS: JSON.stringify(await freshOidcSigningKeys()),
      ADMIN_TOKEN: adminToken,
      MAILER: "dev",
      ...vars,
    },
  });
  const issuer = `http://localhost:${worker.port}`;
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${issuer}/.sesame/admin/api${path}`, {
      method,
      headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { worker, issuer, adminToken, admin };
}

let serial = 0;

/** A new user signed in by a login link redeemed as the confirmation page's button does; returns its id, email and Cookie header. */
export async function signedInUser(provider: Provider, label = "ann"): Promise<{ id: string; email: string; cookie: string }> {
  const email = `${label}-${Date.now().toString(36)}-${serial++}@example.com`;
  const created = (await (await provider.admin("POST", "/users", { email, name: `${label} Example` })).json()) as { user: { id: string } };
  const issued = (await (await provider.admin("POST", `/users/${created.user.id}/tokens`, {})).json()) as { url: string };
  const link = new URL(issued.url);
  const res = await fetch(`${provider.issuer}${link.pathname}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: provider.issuer },
    body: new URLSearchParams({ sesame: link.searchParams.get("sesame") ?? "", next: "/" }),
    redirect: "manual",
  });
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  if (res.status !== 303 || !cookie.startsWith("sesame=")) throw new Error(`sign-in failed: ${res.status}`);
  return { id: created.user.id, email, cookie };
}

/** Registers a client through the admin API; returns its id and secret. */
export async function registerClient(
  provider: Provider,
  fields: Record<string, unknown> = {},
): Promise<{ clientId: string; clientSecret?: string }> {
  const res = await provider.admin("POST", "/clients", {
    name: "openid-client RP",
    type: "confidential",
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: [POST_LOGOUT_URI],
    ...fields,
  });
  const body = (await res.json()) as { client: { clientId: string }; clientSecret?: string };
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${JSON.stringify(body)}`);
  return { clientId: body.client.clientId, clientSecret: body.clientSecret };
}

/** openid-client's Configuration for a client, from the provider's discovery document. */
export function discover(
  provider: Provider,
  clientId: string,
  secret?: string,
  auth?: oidc.ClientAuth,
  metadata: Partial<oidc.ClientMetadata> = {},
) {
  return oidc.discovery(new URL(provider.issuer), clientId, { ...(secret !== undefined && { client_secret: secret }), ...metadata }, auth, {
    execute: [oidc.allowInsecureRequests],
  });
}

/** The browser's part: opens the authorization URL with the session cookie and returns where the provider redirects (not followed). */
export async function browse(
  url: URL,
  cookie?: string,
): Promise<{ status: number; location: string | null; refresh: string | null; body: string }> {
  const res = await fetch(url, { headers: { Accept: "text/html", ...(cookie && { Cookie: cookie }) }, redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), refresh: res.headers.get("refresh"), body: await res.text() };
}

/** A PKCE verifier, its challenge, a state and a nonce, as an app makes them per sign-in. */
export async function sessionChecks() {
  const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
  return {
    pkceCodeVerifier,
    codeChallenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
    expectedState: oidc.randomState(),
    expectedNonce: oidc.randomNonce(),
  };
}

/** The whole front-channel: authorization URL (PKCE S256), the signed-in browser's redirect, the callback URL. */
export async function authorizeInBrowser(config: oidc.Configuration, cookie: string, scope = "openid email profile") {
  const checks = await sessionChecks();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope,
    code_challenge: checks.codeChallenge,
    code_challenge_method: "S256",
    state: checks.expectedState,
    nonce: checks.expectedNonce,
  });
  const answer = await browse(url, cookie);
  if (answer.status !== 302 || !answer.location?.startsWith(REDIRECT_URI)) {
    throw new Error(`authorize did not redirect to the client: ${answer.status} ${answer.location ?? answer.body.slice(0, 200)}`);
  }
  return { callback: new URL(answer.location), checks };
}
