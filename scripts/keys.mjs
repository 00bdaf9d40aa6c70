#!/usr/bin/env node
import { webcrypto as crypto } from "node:crypto";
// Prints fresh secrets. Usage:
//   npm run keys                       all secrets, as .dev.vars lines
//   npm run keys -- --rotate '<json>'  step 1 of a rotation: a new key published second (not signing yet)
//   npm run keys -- --promote '<json>' step 2: the second key signs; the old one stays published
//   npm run keys -- --retire '<json>'  step 3: only the signing key is kept
//   (docs/keys.md: wait for JWKS caches between steps 1 and 2, and for ASSERTION_TTL between 2 and 3)
//   npm run keys -- --dev-vars FILE    writes FILE from .dev.vars.example with fresh values (OIDC_SIGNING_KEYS too)
//   npm run keys -- --oidc             fresh OIDC_SIGNING_KEYS: one RS256 and one ES256 key
//   --rotate, --promote and --retire take an OIDC_SIGNING_KEYS array as well: each algorithm
//   in it rotates on its own (its first key signs), so both ID token algorithms move together
import { readFileSync, writeFileSync } from "node:fs";

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

export async function newSigningKey() {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const date = new Date().toISOString().slice(0, 10);
  return {
    kty: jwk.kty,
    crv: jwk.crv,
    x: jwk.x,
    y: jwk.y,
    d: jwk.d,
    kid: `${date}-${b64url(crypto.getRandomValues(new Uint8Array(4)))}`,
    alg: "ES256",
    use: "sig",
  };
}

/** A fresh RS256 key for OIDC_SIGNING_KEYS (RSA 2048: the size RFC 7518 requires, and the smallest, for the 5 KB secret limit). */
export async function newRsaSigningKey() {
  const pair = await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  );
  const { kty, n, e, d, p, q, dp, dq, qi } = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const date = new Date().toISOString().slice(0, 10);
  return {
    kty,
    n,
    e,
    d,
    p,
    q,
    dp,
    dq,
    qi,
    kid: `${date}-rs-${b64url(crypto.getRandomValues(new Uint8Array(4)))}`,
    alg: "RS256",
    use: "sig",
  };
}

/** The algorithm a key signs with: its `alg`, else what its type implies (SIGNING_KEYS entries may omit `alg`). */
const algOf = (key) => key.alg ?? (key.kty === "RSA" ? "RS256" : "ES256");

/** A fresh key of `alg`. */
const newKeyFor = (alg) => (alg === "RS256" ? newRsaSigningKey() : newSigningKey());

/** Fresh OIDC_SIGNING_KEYS: RS256 for every client, ES256 for those that ask (docs/keys.md). */
export async function freshOidcSigningKeys() {
  return [await newRsaSigningKey(), await newSigningKey()];
}

export async function freshSecrets() {
  return {
    SESAME_SECRET: b64url(crypto.getRandomValues(new Uint8Array(32))),
    ADMIN_TOKEN: b64url(crypto.getRandomValues(new Uint8Array(32))),
    SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
  };
}

/** Every secret a local .dev.vars holds: the production ones and ID token keys, so `npm run dev` runs with the OpenID provider on. */
export async function freshDevVars() {
  return { ...(await freshSecrets()), OIDC_SIGNING_KEYS: JSON.stringify(await freshOidcSigningKeys()) };
}

/** Fills `template` (the text of .dev.vars.example) with fresh values for the secret keys. */
export function fillTemplate(template, values) {
  return template
    .split("\n")
    .map((line) => {
      const match = /^([A-Z_]+)=/.exec(line);
      return match && values[match[1]] !== undefined ? `${match[1]}=${values[match[1]]}` : line;
    })
    .join("\n");
}

/**
 * The three steps of a key rotation with overlap, as pure functions of a key array (the first
 * key of each algorithm signs, every key is published in the JWKS). SIGNING_KEYS holds one
 * algorithm; OIDC_SIGNING_KEYS two, each rotating within its own keys.
 */
export const rotation = {
  /** Step 1: publish a new key without signing with it, so verifiers can fetch it first. */
  stage: (keys, fresh) => {
    const signer = keys.findIndex((key) => algOf(key) === algOf(fresh));
    return signer === -1 ? [...keys, fresh] : [...keys.slice(0, signer + 1), fresh, ...keys.slice(signer + 1)];
  },
  /** Step 2: each staged key signs; the old signers stay published for tokens in flight. */
  promote: (keys) => {
    const result = [...keys];
    let promoted = false;
    for (const alg of new Set(keys.map(algOf))) {
      const [first, second] = result.flatMap((key, i) => (algOf(key) === alg ? [i] : []));
      if (second === undefined) continue;
      [result[first], result[second]] = [result[second], result[first]];
      promoted = true;
    }
    if (!promoted) throw new Error("--promote needs a staged second key (run --rotate first)");
    return result;
  },
  /** Step 3: only the signing key of each algorithm remains. */
  retire: (keys) => keys.filter((key, i) => keys.findIndex((other) => algOf(other) === algOf(key)) === i),
};

function readKeys(argv, flag) {
  const keys = JSON.parse(argv[argv.indexOf(flag) + 1] ?? "[]");
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${flag} takes the current SIGNING_KEYS or OIDC_SIGNING_KEYS JSON array`);
  return keys;
}

async function main(argv) {
  if (argv.includes("--rotate")) {
    let keys = readKeys(argv, "--rotate");
    // One new key per algorithm present: an OIDC_SIGNING_KEYS array rotates both at once.
    for (const alg of new Set(keys.map(algOf))) keys = rotation.stage(keys, await newKeyFor(alg));
    console.log(JSON.stringify(keys));
    return;
  }
  if (argv.includes("--promote")) {
    console.log(JSON.stringify(rotation.promote(readKeys(argv, "--promote"))));
    return;
  }
  if (argv.includes("--retire")) {
    console.log(JSON.stringify(rotation.retire(readKeys(argv, "--retire"))));
    return;
  }
  if (argv.includes("--oidc")) {
    console.log(JSON.stringify(await freshOidcSigningKeys()));
    return;
  }
  const devVars = argv.indexOf("--dev-vars");
  if (devVars !== -1) {
    const target = argv[devVars + 1];
    if (!target) throw new Error("--dev-vars takes a file path");
    const template = readFileSync(new URL("../.dev.vars.example", import.meta.url), "utf8");
    writeFileSync(target, fillTemplate(template, await freshDevVars()), { mode: 0o600 });
    console.log(`wrote ${target}`);
    return;
  }
  for (const [key, value] of Object.entries(await freshSecrets())) console.log(`${key}=${value}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(`keys: ${error.message}`);
    process.exit(1);
  });
}
