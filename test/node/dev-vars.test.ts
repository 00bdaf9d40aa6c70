/**
 * `npm run dev` writes .dev.vars with fresh secrets when it is missing, and never touches
 * one that exists (README.md, scripts/lib/dev-vars.mjs): a developer's settings and secrets
 * survive every run. Checked in a throw-away checkout, never in this one.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLocalJWKSet, jwtVerify, SignJWT } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureDevVars, readDevVars } from "../../scripts/lib/dev-vars.mjs";
import { importOidcSigningKey, parseOidcSigningKeys, publicOidcJwk } from "../../src/oidc/signing-keys";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let checkout: string;

beforeEach(() => {
  checkout = mkdtempSync(join(tmpdir(), "sesame-dev-vars-"));
  copyFileSync(join(ROOT, ".dev.vars.example"), join(checkout, ".dev.vars.example"));
});

afterEach(() => rmSync(checkout, { recursive: true, force: true }));

describe("npm run dev's .dev.vars", () => {
  it("is written when missing, readable by its owner alone, with fresh secrets in place of the placeholders", async () => {
    expect(await ensureDevVars(checkout)).toBe(true);
    const file = join(checkout, ".dev.vars");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const vars = readDevVars(file);
    expect(Buffer.from(vars.SESAME_SECRET!, "base64url").length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(vars.ADMIN_TOKEN!, "base64url").length).toBeGreaterThanOrEqual(32);
    const keys = JSON.parse(vars.SIGNING_KEYS!) as { kty: string; crv: string; d: string; kid: string }[];
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: "EC", crv: "P-256", d: expect.any(String), kid: expect.any(String) });
    expect(readFileSync(file, "utf8")).not.toMatch(/replace-with/);
  });

  it("turns the OpenID provider on: OIDC_SIGNING_KEYS holds an RS256 and an ES256 key the worker accepts and that sign", async () => {
    await ensureDevVars(checkout);
    const vars = readDevVars(join(checkout, ".dev.vars"));
    const gateKids = new Set((JSON.parse(vars.SIGNING_KEYS!) as { kid: string }[]).map((key) => key.kid));
    const problems: string[] = [];
    const keys = parseOidcSigningKeys(vars.OIDC_SIGNING_KEYS ?? "", gateKids, problems);
    expect(problems).toEqual([]);
    expect(keys?.map((key) => key.alg)).toEqual(["RS256", "ES256"]);
    for (const key of keys!) {
      const jwt = await new SignJWT({}).setProtectedHeader({ alg: key.alg, kid: key.kid }).sign(await importOidcSigningKey(key));
      const { payload } = await jwtVerify(jwt, createLocalJWKSet({ keys: [publicOidcJwk(key)] }));
      expect(payload).toEqual({});
    }
  });

  it("differs from one checkout to the next", async () => {
    await ensureDevVars(checkout);
    const first = readDevVars(join(checkout, ".dev.vars"));
    rmSync(join(checkout, ".dev.vars"));
    await ensureDevVars(checkout);
    const second = readDevVars(join(checkout, ".dev.vars"));
    expect(second.SESAME_SECRET).not.toBe(first.SESAME_SECRET);
    expect(second.ADMIN_TOKEN).not.toBe(first.ADMIN_TOKEN);
  });

  it("is left exactly as it is when it exists: the developer's settings and secrets survive", async () => {
    const own = "PUBLIC_URL='http://192.168.1.10:8787'\nSIGNUP=open\nSESAME_SECRET=my-own-secret\n";
    writeFileSync(join(checkout, ".dev.vars"), own);
    expect(await ensureDevVars(checkout)).toBe(false);
    expect(readFileSync(join(checkout, ".dev.vars"), "utf8")).toBe(own);
  });
});
