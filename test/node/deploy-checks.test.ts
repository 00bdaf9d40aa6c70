/**
 * `npm run deploy` refuses placeholder storage ids, `MAILER = "dev"`, a `PUBLIC_URL` that is
 * not https and a loopback `ORIGIN_URL` (docs/deploy.md, step 7), on the configuration
 * wrangler itself resolves; the committed wrangler.toml is a local one and is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { findDeployProblems } from "../../scripts/lib/deploy-checks.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A production environment as docs/deploy.md has one write it. */
const PRODUCTION = `
[env.production]
[env.production.vars]
PUBLIC_URL = "https://app.example.com"
ORIGIN_URL = "https://origin.example.com"
MAILER = "mailchannels"
MAIL_FROM = "login@example.com"

[[env.production.d1_databases]]
binding = "DB"
database_name = "sesame-edge"
database_id = "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"
migrations_dir = "migrations"

[[env.production.kv_namespaces]]
binding = "REVOKED"
id = "4c8e2f1a9b7d4e6f8a0b1c2d3e4f5a6b"
`;

let checkout: string;

beforeAll(() => {
  checkout = mkdtempSync(join(tmpdir(), "sesame-deploy-"));
});

afterAll(() => rmSync(checkout, { recursive: true, force: true }));

/** The configuration wrangler resolves for `env` from `toml`, as scripts/deploy.mjs reads it. */
function resolved(toml: string, env?: string) {
  const file = join(checkout, "wrangler.toml");
  writeFileSync(file, toml);
  return unstable_readConfig({ config: file, env }, { hideWarnings: true });
}

const base = `name = "sesame-edge"\nmain = "${join(ROOT, "src/index.ts")}"\ncompatibility_date = "2026-04-20"\n`;

describe("the checks before npm run deploy", () => {
  it("refuse the committed wrangler.toml on every count: placeholder D1 and KV ids, the dev mailer, http and loopback URLs", () => {
    const problems = findDeployProblems(unstable_readConfig({ config: join(ROOT, "wrangler.toml") }, { hideWarnings: true }));
    expect(problems).toHaveLength(5);
    for (const named of [/d1_databases DB/, /kv_namespaces REVOKED/, /MAILER is "dev"/, /PUBLIC_URL/, /ORIGIN_URL/]) {
      expect(
        problems.some((problem) => named.test(problem)),
        String(named),
      ).toBe(true);
    }
  });

  it("pass a production environment", () => {
    expect(findDeployProblems(resolved(base + PRODUCTION, "production"))).toEqual([]);
  });

  it.each([
    ["an http PUBLIC_URL", 'PUBLIC_URL = "https://app.example.com"', 'PUBLIC_URL = "http://app.example.com"', /PUBLIC_URL/],
    ["a loopback ORIGIN_URL", 'ORIGIN_URL = "https://origin.example.com"', 'ORIGIN_URL = "http://127.0.0.1:8788"', /ORIGIN_URL/],
    ["the dev mailer", 'MAILER = "mailchannels"', 'MAILER = "dev"', /MAILER is "dev"/],
    ["a placeholder D1 id", "6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b", "00000000-0000-0000-0000-000000000000", /d1_databases DB/],
    ["a placeholder KV id", "4c8e2f1a9b7d4e6f8a0b1c2d3e4f5a6b", "00000000000000000000000000000000", /kv_namespaces REVOKED/],
  ])("refuse %s, naming it, and nothing else", (_, good, bad, named) => {
    const problems = findDeployProblems(resolved(base + PRODUCTION.replace(good, bad), "production"));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(named);
  });
});
