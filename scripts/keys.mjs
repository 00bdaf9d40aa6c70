#!/usr/bin/env node
// Prints fresh secrets. Usage:
//   npm run keys                       all secrets, as .dev.vars lines
//   npm run keys -- --rotate '<json>'  a new signing key in front of the current SIGNING_KEYS
//   npm run keys -- --dev-vars FILE    writes FILE from .dev.vars.example with fresh values
import { readFileSync, writeFileSync } from "node:fs";
import { webcrypto as crypto } from "node:crypto";

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");

export async function newSigningKey() {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const date = new Date().toISOString().slice(0, 10);
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, kid: `${date}-${b64url(crypto.getRandomValues(new Uint8Array(4)))}`, alg: "ES256", use: "sig" };
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

async function main(argv) {
  const rotate = argv.indexOf("--rotate");
  if (rotate !== -1) {
    const current = JSON.parse(argv[rotate + 1] ?? "[]");
    if (!Array.isArray(current)) throw new Error("--rotate takes the current SIGNING_KEYS JSON array");
    console.log(JSON.stringify([await newSigningKey(), ...current]));
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
