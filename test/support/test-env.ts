/**
 * Node side of the test set-up: fresh secrets for every run (no secret is ever committed)
 * and the exact configuration the worker under test sees. wrangler.toml contributes its
 * bindings (D1, KV...) and compatibility settings; every variable comes from here
 * (test-vars.ts and testBindings), never from wrangler.toml's [vars], a developer's
 * .dev.vars or .env, or the shell's environment.
 */
import { webcrypto } from "node:crypto";
import { devNull } from "node:os";
import { join } from "node:path";
import { type Unstable_MiniflareWorkerOptions, unstable_getMiniflareWorkerOptions, unstable_readConfig } from "wrangler";
import type { TestServers } from "../node/test-servers";
import { TEST_VARS } from "./test-vars.ts";

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

export async function testSigningKey(kid: string): Promise<Record<string, unknown>> {
  const pair = (await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const jwk = await webcrypto.subtle.exportKey("jwk", pair.privateKey);
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, kid, alg: "ES256" };
}

/** TEST_VARS, fresh secrets, and the URLs of the run's loopback servers. */
export async function testBindings(servers: TestServers): Promise<Record<string, string>> {
  return {
    ...TEST_VARS,
    SESAME_SECRET: b64url(webcrypto.getRandomValues(new Uint8Array(32))),
    ADMIN_TOKEN: b64url(webcrypto.getRandomValues(new Uint8Array(32))),
    SIGNING_KEYS: JSON.stringify([await testSigningKey("test-key-1")]),
    ORIGIN_URL: servers.originUrl,
    WSGI_ORIGIN_URL: servers.wsgiOriginUrl,
    MAILCHANNELS_API_URL: servers.mailUrl,
    // Turnstile stays off (no keys) unless a test sets them; when on, it asks the stand-in.
    TURNSTILE_VERIFY_URL: servers.siteverifyUrl,
  };
}

/** Variables as miniflare takes them: strings, or JSON values. */
type Bindings = NonNullable<Unstable_MiniflareWorkerOptions["workerOptions"]["bindings"]>;

/** wrangler's `--env-file` for this API: given any file, wrangler skips .dev.vars (and .env). */
type WorkerOptionsReader = (
  config: ReturnType<typeof unstable_readConfig>,
  env: string | undefined,
  options: { envFiles: string[] },
) => ReturnType<typeof unstable_getMiniflareWorkerOptions>;

/**
 * Miniflare options for the worker under test: wrangler.toml in `root` for the bindings and
 * compatibility settings, and `bindings` as its whole set of variables. wrangler is given
 * no [vars] and the empty file as its only env file, with loading env files turned off, so
 * it reads neither .dev.vars nor .env; whatever it might still have found (for example
 * process.env under CLOUDFLARE_INCLUDE_PROCESS_ENV) is replaced by `bindings`.
 */
export function workerUnderTestOptions(root: string, bindings: Bindings) {
  const config = unstable_readConfig({ config: join(root, "wrangler.toml") }, { hideWarnings: true });
  const read = unstable_getMiniflareWorkerOptions as unknown as WorkerOptionsReader;
  const saved = process.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV;
  process.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV = "false";
  try {
    const { workerOptions } = read({ ...config, vars: {} }, undefined, { envFiles: [devNull] });
    return { ...workerOptions, bindings };
  } finally {
    if (saved === undefined) delete process.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV;
    else process.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV = saved;
  }
}
