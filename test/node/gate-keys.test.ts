/**
 * `npm run keys` rotation steps (scripts/keys.mjs), run as the operator runs them: each step's
 * output is a SIGNING_KEYS value the worker accepts, and the JWKS it publishes keeps every key
 * that may still have assertions in flight.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.ts";
import { publicJwks } from "../../src/gate/public-keys.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

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

/** The kids the worker would sign with (first) and publish (all), for a SIGNING_KEYS value. */
function kidsOf(signingKeys: string): { signs: string; published: (string | undefined)[] } {
  const config = parseConfig({
    SESAME_SECRET: "s".repeat(32),
    SIGNING_KEYS: signingKeys,
    PUBLIC_URL: "https://gate.example.com",
    ORIGIN_URL: "http://127.0.0.1:3000",
    MAILER: "mailchannels",
    MAILCHANNELS_API_KEY: "unused",
    MAIL_FROM: "login@example.com",
  });
  const published = publicJwks(config).keys;
  expect(JSON.stringify(published)).not.toContain('"d"');
  return { signs: (config.secrets.signingKeys[0] as { kid: string }).kid, published: published.map((k) => k.kid) };
}

describe("rotating SIGNING_KEYS with npm run keys", () => {
  it("stages, promotes and retires, with both keys published while either may be in use", async () => {
    const initial = /^SIGNING_KEYS=(.+)$/m.exec(await step())![1]!;
    const [old] = JSON.parse(initial) as { kid: string }[];

    const staged = await step("--rotate", initial);
    const fresh = (JSON.parse(staged) as { kid: string }[])[1]!.kid;
    expect(fresh).not.toBe(old!.kid);
    expect(kidsOf(staged)).toEqual({ signs: old!.kid, published: [old!.kid, fresh] });

    const promoted = await step("--promote", staged);
    expect(kidsOf(promoted)).toEqual({ signs: fresh, published: [fresh, old!.kid] });

    const retired = await step("--retire", promoted);
    expect(kidsOf(retired)).toEqual({ signs: fresh, published: [fresh] });
  });

  it("refuses to promote when no key is staged, and refuses input that is not a key array", async () => {
    const initial = /^SIGNING_KEYS=(.+)$/m.exec(await step())![1]!;
    const promote = await keys("--promote", initial);
    expect(promote.code).toBe(1);
    expect(promote.stderr).toContain("run --rotate first");
    const bad = await keys("--rotate", "{}");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("SIGNING_KEYS JSON array");
  });
});
