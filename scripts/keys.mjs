#!/usr/bin/env node
import { webcrypto as crypto } from "node:crypto";
// Prints fresh secrets. Usage:
//   npm run keys                       all secrets, as .dev.vars lines
//   npm run keys -- --rotate '<json>'  step 1 of a rotation: a new key published second (not signing yet)
//   npm run keys -- --promote '<json>' step 2: the second key signs; the old one stays published
//   npm run keys -- --retire '<json>'  step 3: only the signing key is kept
//   (docs/keys.md: wait for JWKS caches between steps 1 and 2, and for ASSERTION_TTL between 2 and 3)
//   npm run keys -- --dev-vars FILE    writes FILE from .dev.vars.example with fresh values
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

export async function freshSecrets() {
  return {
    SESAME_SECRET: b64url(crypto.getRandomValues(new Uint8Array(32))),
    ADMIN_TOKEN: b64url(crypto.getRandomValues(new Uint8Array(32))),
    SIGNING_KEYS: JSON.stringify([await newSigningKey()]),
  };
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
 * The three steps of a key rotation with overlap, as pure functions of the SIGNING_KEYS array
 * (the first key signs, every key is published in the JWKS).
 */
export const rotation = {
  /** Step 1: publish a new key without signing with it, so verifiers can fetch it first. */
  stage: (keys, fresh) => [keys[0], fresh, ...keys.slice(1)],
  /** Step 2: the staged key signs; the old signer stays published for assertions in flight. */
  promote: (keys) => {
    if (keys.length < 2) throw new Error("--promote needs a staged second key (run --rotate first)");
    return [keys[1], keys[0], ...keys.slice(2)];
  },
  /** Step 3: only the signing key remains. */
  retire: (keys) => keys.slice(0, 1),
};

function readKeys(argv, flag) {
  const keys = JSON.parse(argv[argv.indexOf(flag) + 1] ?? "[]");
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`${flag} takes the current SIGNING_KEYS JSON array`);
  return keys;
}

async function main(argv) {
  if (argv.includes("--rotate")) {
    console.log(JSON.stringify(rotation.stage(readKeys(argv, "--rotate"), await newSigningKey())));
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
  const devVars = argv.indexOf("--dev-vars");
  if (devVars !== -1) {
    const target = argv[devVars + 1];
    if (!target) throw new Error("--dev-vars takes a file path");
    const template = readFileSync(new URL("../.dev.vars.example", import.meta.url), "utf8");
    writeFileSync(target, fillTemplate(template, await freshSecrets()), { mode: 0o600 });
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
