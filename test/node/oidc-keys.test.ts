/**
 * OIDC_SIGNING_KEYS made and rotated with `npm run keys` (scripts/keys.mjs), as the operator
 * runs it: each step's output is a value the worker accepts, each algorithm rotates on its
 * own, and the two-keys-per-algorithm overlap fits in one Workers secret (docs/keys.md).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.ts";
import { ConfigError } from "../../src/errors.ts";
import { publicOidcJwk } from "../../src/oidc/signing-keys.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** Cloudflare's limit on one secret's value. */
const WORKERS_SECRET_LIMIT_BYTES = 5 * 1024;

function keys(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["scripts/keys.mjs", ...args], { cwd: ROOT, timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function step(...args: string[]): Promise<string> {
  const result = await keys(...args);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout.trim();
}

const GATE_KEY = JSON.stringify([{ kty: "EC", crv: "P-256", x: "x", y: "y", d: "d", kid: "gate-1" }]);

function configWith(oidcSigningKeys: string) {
  return parseConfig({
    SESAME_SECRET: "s".repeat(32),
    SIGNING_KEYS: GATE_KEY,
    OIDC_SIGNING_KEYS: oidcSigningKeys,
    PUBLIC_URL: "https://gate.example.com",
    ORIGIN_URL: "http://127.0.0.1:3000",
    MAILER: "mailchannels",
    MAILCHANNELS_API_KEY: "unused",
    MAIL_FROM: "login@example.com",
  });
}

/** For each algorithm, the kid that signs (its first key), and every kid published. */
function rolesOf(value: string): { RS256: string | undefined; ES256: string | undefined; published: (string | undefined)[] } {
  const config = configWith(value);
  const signingKeys = config.oidc!.signingKeys;
  const published = signingKeys.map(publicOidcJwk);
  for (const jwk of published) for (const secret of ["d", "p", "q", "dp", "dq", "qi"]) expect(jwk).not.toHaveProperty(secret);
  return {
    RS256: signingKeys.find((k) => k.alg === "RS256")?.kid,
    ES256: signingKeys.find((k) => k.alg === "ES256")?.kid,
    published: published.map((k) => k.kid),
  };
}

function problemsOf(value: string): string[] {
  try {
    configWith(value);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("npm run keys -- --oidc", () => {
  it("makes one RS256 and one ES256 key that the worker accepts, the provider on", async () => {
    const value = await step("--oidc");
    const [rsa, ec] = JSON.parse(value) as Array<{ kty: string; alg: string; kid: string }>;
    expect([rsa!.kty, rsa!.alg, ec!.kty, ec!.alg]).toEqual(["RSA", "RS256", "EC", "ES256"]);
    expect(rolesOf(value)).toEqual({ RS256: rsa!.kid, ES256: ec!.kid, published: [rsa!.kid, ec!.kid] });
  });

  it("rotates each algorithm within its own keys, and two keys of each fit in one Workers secret", async () => {
    const initial = await step("--oidc");
    const [rsa, ec] = (JSON.parse(initial) as { kid: string }[]).map((k) => k.kid);

    const staged = await step("--rotate", initial);
    expect(new TextEncoder().encode(staged).length).toBeLessThanOrEqual(WORKERS_SECRET_LIMIT_BYTES);
    const stagedRoles = rolesOf(staged);
    expect(stagedRoles).toMatchObject({ RS256: rsa, ES256: ec });
    expect(stagedRoles.published).toHaveLength(4);
    const [, freshRsa, , freshEc] = stagedRoles.published;

    const promoted = await step("--promote", staged);
    expect(rolesOf(promoted)).toEqual({ RS256: freshRsa, ES256: freshEc, published: [freshRsa, rsa, freshEc, ec] });

    const retired = await step("--retire", promoted);
    expect(rolesOf(retired)).toEqual({ RS256: freshRsa, ES256: freshEc, published: [freshRsa, freshEc] });
  });
});

describe("OIDC_SIGNING_KEYS is checked at start-up", () => {
  it("leaves the provider off when empty", () => {
    expect(configWith("").oidc).toBeNull();
  });

  it("refuses a set without an RS256 key, a kid the gate's keys use, a repeated kid, and a key of another kind", async () => {
    const [rsa, ec] = JSON.parse(await step("--oidc")) as Record<string, string>[];
    expect(problemsOf(JSON.stringify([ec]))).toEqual([expect.stringContaining("needs an RS256 (RSA) key")]);
    expect(problemsOf(JSON.stringify([rsa, { ...ec, kid: "gate-1" }]))).toEqual([
      expect.stringContaining('uses kid "gate-1" of SIGNING_KEYS'),
    ]);
    expect(problemsOf(JSON.stringify([rsa, { ...ec, kid: rsa!.kid }]))).toEqual([expect.stringContaining("repeats kid")]);
    expect(problemsOf(JSON.stringify([rsa, { kty: "oct", k: "c2VjcmV0", kid: "h" }]))).toEqual([
      expect.stringContaining("OIDC_SIGNING_KEYS[1] must be a private RSA (RS256) or EC P-256 (ES256) JWK"),
    ]);
  });

  it("refuses an RSA key under 2048 bits and a public key without its private half", async () => {
    const [rsa] = JSON.parse(await step("--oidc")) as Record<string, string>[];
    expect(problemsOf(JSON.stringify([{ ...rsa, n: rsa!.n!.slice(0, 171) }]))).toEqual([expect.stringContaining("at least 2048 bits")]);
    const { d: _d, ...publicOnly } = rsa!;
    expect(problemsOf(JSON.stringify([publicOnly]))).toEqual([expect.stringContaining("must be a private RSA JWK")]);
    expect(problemsOf("[not json")).toEqual(["OIDC_SIGNING_KEYS is not valid JSON"]);
  });
});
