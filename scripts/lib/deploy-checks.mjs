/**
 * Checks before a real deploy, on the configuration wrangler itself resolves (same file,
 * same --env). Each problem is one that would ship an edge that is broken or unsafe:
 * placeholder storage ids, the dev mailer (its mailbox lists every sign-in link to anyone),
 * loopback URLs that mean nothing on Cloudflare's network.
 */
import { isLoopbackHost } from "./hosts.mjs";

const PLACEHOLDER_ID = /^0+(-0+)*$/;

/** Returns a list of problems (empty when the configuration looks deployable). */
export function findDeployProblems(config) {
  const problems = [];
  const vars = config.vars ?? {};
  const db = (config.d1_databases ?? []).find((d) => d.binding === "DB");
  const kv = (config.kv_namespaces ?? []).find((k) => k.binding === "REVOKED");
  if (!db) problems.push("no D1 binding DB: add [[d1_databases]] (docs/deploy.md, step 1)");
  else if (!db.database_id || PLACEHOLDER_ID.test(db.database_id)) {
    problems.push("d1_databases DB still has the placeholder database_id: run wrangler d1 create and paste its id");
  }
  if (!kv) problems.push("no KV binding REVOKED: add [[kv_namespaces]] (docs/deploy.md, step 1)");
  else if (!kv.id || PLACEHOLDER_ID.test(kv.id)) {
    problems.push("kv_namespaces REVOKED still has the placeholder id: run wrangler kv namespace create REVOKED and paste its id");
  }
  if ((vars.MAILER ?? "mailchannels") === "dev") {
    problems.push('MAILER is "dev": in production the dev mailbox would show every sign-in link to anyone; set MAILER = "mailchannels"');
  }
  const publicUrl = parseUrl(vars.PUBLIC_URL);
  if (publicUrl?.protocol !== "https:" || isLoopbackHost(publicUrl.hostname)) {
    problems.push(`PUBLIC_URL must be the https address users visit, got ${JSON.stringify(vars.PUBLIC_URL ?? "")}`);
  }
  const originUrl = parseUrl(vars.ORIGIN_URL);
  if (!originUrl || isLoopbackHost(originUrl.hostname)) {
    problems.push(`ORIGIN_URL must be an address Cloudflare can reach, got ${JSON.stringify(vars.ORIGIN_URL ?? "")}`);
  }
  return problems;
}

function parseUrl(raw) {
  try {
    return raw ? new URL(raw) : null;
  } catch {
    return null;
  }
}
