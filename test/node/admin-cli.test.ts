/**
 * The admin CLI (scripts/admin.mjs) against a real `wrangler dev`: a fresh local D1/KV,
 * fresh secrets, the CLI run as a child process exactly as `npm run admin -- ...` runs it.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalWorker, startLocalWorker } from "../../scripts/lib/local-worker.mjs";
import { testSigningKey } from "../support/test-env";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DAY = 86_400_000;

let worker: LocalWorker;
let adminToken: string;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node scripts/admin.mjs <args> --url <worker>` with ADMIN_TOKEN in the environment. */
function admin(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["scripts/admin.mjs", ...args, ...(args.includes("--url") ? [] : ["--url", worker.url])],
      { cwd: ROOT, env: { ...process.env, ADMIN_TOKEN: adminToken, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

// biome-ignore lint/suspicious/noExplicitAny: by default a test reads any field of the output and its assertions check the shape
async function adminJson<T = Record<string, any>>(args: string[]): Promise<T> {
  const result = await admin([...args, "--json"]);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** A unique address per test, so tests never depend on each other's rows. */
let serial = 0;
const uniqueEmail = (label: string) => `${label}-${Date.now().toString(36)}-${serial++}@example.com`;

async function addUser(label: string): Promise<string> {
  const email = uniqueEmail(label);
  await adminJson(["users", "add", email]);
  return email;
}

/**
 * Redeems a login link the way the confirmation page's button does: a same-origin form
 * POST to /.sesame/link. True when it gave a session (303 with a cookie).
 */
async function redeemLink(url: string): Promise<boolean> {
  const link = new URL(url);
  const res = await fetch(`${worker.url}${link.pathname}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: link.origin },
    body: new URLSearchParams({ sesame: link.searchParams.get("sesame") ?? "", next: "/" }),
    redirect: "manual",
  });
  await res.arrayBuffer();
  return res.status === 303 && (res.headers.get("set-cookie") ?? "").includes("sesame");
}

/** A port nothing listens on: bound by the OS, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  // Every secret is fresh for this run and given on the command line, where it wins over
  // any .dev.vars: the developer's local secrets and state are never touched.
  adminToken = randomBytes(32).toString("base64url");
  worker = await startLocalWorker({
    root: ROOT,
    vars: {
      SESAME_SECRET: randomBytes(32).toString("base64url"),
      SESAME_SECRET_FALLBACKS: "",
      SIGNING_KEYS: JSON.stringify([await testSigningKey("admin-cli-test")]),
      ADMIN_TOKEN: adminToken,
      MAILER: "dev",
    },
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
}, 30_000);

describe("npm run admin -- users", () => {
  it("adds a user and prints it as a record", async () => {
    const email = uniqueEmail("ann");
    const result = await admin(["users", "add", email, "--name", "Ann Lee"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^email\\s+${email}$`, "m"));
    expect(result.stdout).toMatch(/^name\s+Ann Lee$/m);
    expect(result.stdout).toMatch(/^active\s+yes$/m);
  });

  it("refuses a duplicate with exit 1 and the API's one-line message naming the field", async () => {
    const email = await addUser("dup");
    const result = await admin(["users", "add", email]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe("admin: A user with this email already exists (field: email)\n");
  });

  it("refuses a malformed email with the field the API names", async () => {
    const result = await admin(["users", "add", "not-an-email"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^admin: .*\(field: email\)$/m);
  });

  it("lists users as a table and filters them by email prefix", async () => {
    const prefix = `list-${Date.now().toString(36)}`;
    await adminJson(["users", "add", `${prefix}-a@example.com`, "--name", "First"]);
    await adminJson(["users", "add", `${prefix}-b@example.com`]);
    const result = await admin(["users", "list", "--email", prefix]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^EMAIL\s+NAME\s+ACTIVE\s+LAST LOGIN\s+ID$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual([`${prefix}-a@example.com`, `${prefix}-b@example.com`]);
    expect(lines[1]).toMatch(/\sFirst\s+yes\s+-\s/);
  });

  it("prints the API's JSON with --json", async () => {
    const email = await addUser("json");
    const { users } = await adminJson<{ users: Array<{ email: string; active: boolean; id: string }> }>([
      "users",
      "list",
      "--email",
      email,
    ]);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email, active: true });
    expect(users[0]!.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("says so when no user matches", async () => {
    const result = await admin(["users", "list", "--email", "nobody-at-all-"]);
    expect(result).toMatchObject({ code: 0, stdout: "(no users)\n" });
  });

  it("shows a user by email in any case, or by id", async () => {
    const email = await addUser("show");
    const byEmail = await adminJson<{ user: { id: string } }>(["users", "show", email.toUpperCase()]);
    const byId = await admin(["users", "show", byEmail.user.id]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toMatch(new RegExp(`^email\\s+${email}$`, "m"));
  });

  it("updates email, name and active state", async () => {
    const email = await addUser("upd");
    const renamed = uniqueEmail("renamed");
    const { user } = await adminJson(["users", "update", email, "--email", renamed, "--name", "New Name", "--active", "false"]);
    expect(user).toMatchObject({ email: renamed, name: "New Name", active: false });
    const old = await admin(["users", "show", email]);
    expect(old.code).toBe(1);
  });

  it("refuses --active values other than true or false without calling the API", async () => {
    const result = await admin(["users", "update", "x@example.com", "--active", "yes"]);
    expect(result).toMatchObject({ code: 2, stdout: "", stderr: 'admin: --active must be true or false, got "yes"\n' });
  });

  it("disables a user, after which no link can be issued for it", async () => {
    const email = await addUser("off");
    const disabled = await admin(["users", "disable", email]);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain(`disabled ${email}`);
    const { user } = await adminJson(["users", "show", email]);
    expect(user.active).toBe(false);
    const link = await admin(["link", email]);
    expect(link.code).toBe(1);
    expect(link.stderr).toMatch(/^admin: .*inactive.*\(field: user\)\n$/);
  });

  it("deletes a user, after which it is not found", async () => {
    const email = await addUser("del");
    expect(await admin(["users", "delete", email])).toMatchObject({ code: 0, stdout: `deleted ${email}\n` });
    expect(await admin(["users", "show", email])).toMatchObject({ code: 1, stderr: "admin: No such user\n" });
  });
});

describe("npm run admin -- link", () => {
  it("prints only the login URL on stdout, like get_query_string", async () => {
    const email = await addUser("link");
    const result = await admin(["link", email]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^http://localhost:${worker.port}/\\.sesame/link\\?sesame=[A-Za-z0-9_-]+\\n$`));
    expect(result.stderr).toMatch(/one-time, expires \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
  });

  it("passes scope, max age and one-time through", async () => {
    const email = await addUser("scoped");
    const before = Date.now();
    const issued = await adminJson(["link", email, "--scope", "path:/reports/42", "--max-age", "2h", "--one-time", "true"]);
    expect(issued).toMatchObject({ scope: "path:/reports/42", oneTime: true });
    expect(issued.url).toMatch(new RegExp(`^http://localhost:${worker.port}/reports/42\\?sesame=`));
    const lifetime = Date.parse(issued.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(2 * 3600_000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(2 * 3600_000 + 5_000);
  });

  it("prints the bare token for a scope that has no URL", async () => {
    const email = await addUser("label");
    const result = await admin(["link", email, "--scope", "newsletter"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[A-Za-z0-9_-]{20,}\n$/);
  });

  it("refuses a bad duration before calling the API", async () => {
    const result = await admin(["link", "a@example.com", "--max-age", "7 weeks"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('admin: --max-age must be a duration like 90s, 10m, 12h, 7d or a number of seconds, got "7 weeks"\n');
  });

  it("relays the API's refusal of scope api", async () => {
    const email = await addUser("api");
    const result = await admin(["link", email, "--scope", "api"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/\(field: scope\)\n$/);
  });
});

describe("npm run admin -- revoke", () => {
  it("revokes a live token, which then signs no one in", async () => {
    const email = await addUser("revoke");
    const { token, url } = await adminJson(["link", email]);
    const result = await admin(["revoke", token]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^revoked \(it would have expired \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\)\n$/);
    expect(await redeemLink(url)).toBe(false);
  });

  it("leaves a link that was not revoked working", async () => {
    const email = await addUser("kept");
    const { url } = await adminJson(["link", email]);
    expect(await redeemLink(url)).toBe(true);
  });

  it("refuses a token this edge did not sign, naming the field", async () => {
    const email = await addUser("forged");
    const { token } = await adminJson<{ token: string }>(["link", email]);
    const forged = token.slice(0, -4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
    const result = await admin(["revoke", forged]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^admin: .*\(field: token\)\n$/);
  });
});

describe("npm run admin -- share and service-token", () => {
  it("issues a share link for one path with a 7 day lifetime", async () => {
    const email = await addUser("share");
    const before = Date.now();
    const issued = await adminJson(["share", email, "--path", "/reports/42", "--max-age", "7d"]);
    expect(issued.url).toMatch(new RegExp(`^http://localhost:${worker.port}/reports/42\\?sesame=[A-Za-z0-9_-]+$`));
    expect(issued.scope).toBe("path:/reports/42");
    expect(Math.abs(Date.parse(issued.expiresAt) - before - 7 * DAY)).toBeLessThan(60_000);
    const plain = await admin(["share", email, "--path", "/reports/43"]);
    expect(plain.stdout).toMatch(/\/reports\/43\?sesame=[A-Za-z0-9_-]+\n$/);
  });

  it("passes --app to the edge, which names the field when the deployment has no APPS", async () => {
    const email = await addUser("share-app");
    const result = await admin(["share", email, "--path", "/reports/42", "--app", "wiki"]);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain("app: this deployment has no APPS");
  });

  it("passes --methods to the edge, and says on stderr what the link allows", async () => {
    const email = await addUser("share-methods");
    const result = await admin(["share", email, "--path", "/forms/7", "--methods", "POST, DELETE", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ scope: "path:/forms/7 POST,DELETE", methods: ["GET", "HEAD", "POST", "DELETE"] });
    const plain = await admin(["share", email, "--path", "/forms/8", "--methods", "PUT"]);
    expect(plain.stderr).toContain("allowing GET, HEAD, PUT");
    const wrong = await admin(["share", email, "--path", "/forms/9", "--methods", "post"]);
    expect(wrong).toMatchObject({ code: 1, stdout: "" });
    expect(wrong.stderr).toMatch(/\(field: methods\)/);
  });

  it("requires --path for share", async () => {
    expect(await admin(["share", "a@example.com"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--path") });
  });

  it("issues a named service token and prints only the token on stdout", async () => {
    const email = await addUser("svc");
    const result = await admin(["service-token", email, "--name", "ci", "--max-age", "30d"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^[A-Za-z0-9_-]{20,}\n$/);
    expect(result.stderr).toMatch(/service token "ci" \(id [^)]+\), expires/);
    const issued = await adminJson(["service-token", email, "--name", "deploy"]);
    expect(issued).toMatchObject({ name: "deploy" });
    expect(Math.abs(Date.parse(issued.expiresAt) - Date.now() - 90 * DAY)).toBeLessThan(60_000);
  });

  it("requires --name for a service token", async () => {
    expect(await admin(["service-token", "a@example.com"])).toMatchObject({ code: 2, stderr: expect.stringContaining("--name") });
  });
});

describe("npm run admin -- sessions and events", () => {
  it("lists no sessions for a user who never signed in, and revoking all ends none", async () => {
    const email = await addUser("nosess");
    expect(await admin(["sessions", email])).toMatchObject({ code: 0, stdout: "(no sessions)\n" });
    expect(await admin(["sessions", email, "--revoke-all"])).toMatchObject({ code: 0, stdout: "revoked 0 sessions\n" });
  });

  it("lists a signed-in user's live sessions, and --revoke-all ends them", async () => {
    const email = await addUser("sess");
    for (let i = 0; i < 2; i++) expect(await redeemLink((await adminJson(["link", email])).url)).toBe(true);

    const live = await admin(["sessions", email]);
    expect(live.code).toBe(0);
    const lines = live.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+AMR\s+CREATED\s+LAST SEEN\s+EXPIRES\s+IP\s+USER AGENT$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(1, 3))).toEqual([
      ["live", "link"],
      ["live", "link"],
    ]);

    expect(await admin(["sessions", email, "--revoke-all"])).toMatchObject({ code: 0, stdout: "revoked 2 sessions\n" });
    const { sessions } = await adminJson<{ sessions: Array<{ revokedAt: string | null }> }>(["sessions", email]);
    expect(sessions).toHaveLength(2);
    expect(sessions.every((session) => session.revokedAt !== null)).toBe(true);
    expect((await admin(["sessions", email])).stdout).not.toMatch(/\slive\s/);
  });

  it("shows the user's audit events newest first", async () => {
    const email = await addUser("events");
    await adminJson(["link", email]);
    const result = await admin(["events", email]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+AT\s+EVENT\s+REASON\s+IP\s+DETAIL$/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/)[2])).toEqual(["token_issued", "user_created"]);
  });
});

describe("npm run admin -- groups", () => {
  const uniqueGroup = (label: string) => `${label}-${Date.now().toString(36)}-${serial++}`;

  it("adds, lists and deletes a group", async () => {
    const name = uniqueGroup("ops");
    expect(await admin(["groups", "add", name])).toMatchObject({ code: 0, stdout: `created group ${name}\n` });
    const listed = await admin(["groups", "list"]);
    expect(listed.stdout).toMatch(/^NAME\s+MEMBERS\s+CREATED$/m);
    expect(listed.stdout).toMatch(new RegExp(`^${name}\\s+0\\s+\\d{4}-`, "m"));
    expect((await admin(["groups", "add", name])).stderr).toBe("admin: A group with this name already exists (field: name)\n");
    expect(await admin(["groups", "delete", name])).toMatchObject({ code: 0 });
    const { groups } = await adminJson<{ groups: { name: string }[] }>(["groups", "list"]);
    expect(groups.map((g) => g.name)).not.toContain(name);
  });

  it("adds and removes members, and users show lists their groups", async () => {
    const name = uniqueGroup("eng");
    await adminJson(["groups", "add", name]);
    const email = await addUser("member");
    expect(await admin(["groups", "add-member", name, email])).toMatchObject({ code: 0, stdout: `${email} is in ${name}\n` });
    const members = await admin(["groups", "members", name]);
    expect(members.stdout).toMatch(new RegExp(`^${email}\\s+[0-9a-f-]{36}$`, "m"));
    expect((await admin(["users", "show", email])).stdout).toMatch(new RegExp(`^groups\\s+${name}$`, "m"));
    expect(await admin(["groups", "remove-member", name, email])).toMatchObject({ code: 0 });
    expect(await adminJson(["groups", "members", name])).toEqual({ members: [] });
  });

  it("rejects a missing argument or an unknown groups command with exit 2", async () => {
    expect(await admin(["groups", "add-member", "x"])).toMatchObject({ code: 2 });
    expect(await admin(["groups", "rename", "x"])).toMatchObject({ code: 2 });
    expect(await admin(["groups"])).toMatchObject({ code: 2 });
  });
});

describe("npm run admin -- access check", () => {
  it("prints the gate's decision for a user and a URL", async () => {
    const email = await addUser("check");
    const url = `${worker.url}/reports/1`;
    expect(await admin(["access", "check", email, url])).toMatchObject({ code: 0, stdout: "allow (app default, no policy)\n" });
    expect(await adminJson(["access", "check", email, url])).toEqual({ decision: "allow", app: "default", policy: null });
    expect(await adminJson(["access", "check", email, `${worker.url}/favicon.ico`])).toMatchObject({ decision: "bypass" });
  });

  it("takes --amr, --ip, --country and --method, as docs/cli.md lists them, and passes them to the API", async () => {
    const email = await addUser("check-flags");
    const url = `${worker.url}/reports/1`;
    const flags = ["--amr", "code", "--ip", "203.0.113.9", "--country", "DE", "--method", "POST"];
    expect(await adminJson(["access", "check", email, url, ...flags])).toEqual({ decision: "allow", app: "default", policy: null });
    const refused = await admin(["access", "check", email, url, "--amr", "password"]);
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stderr).toContain("amr must be one of");
  });

  it("fails with exit 1 for an unknown user, and exit 2 without a URL", async () => {
    expect(await admin(["access", "check", "nobody-at-all@example.com", `${worker.url}/`])).toMatchObject({ code: 1 });
    expect(await admin(["access", "check", "a@example.com"])).toMatchObject({ code: 2 });
  });
});

describe("npm run admin -- failures", () => {
  it("fails with exit 1 and the API's message when the admin token is wrong", async () => {
    const result = await admin(["users", "list"], { ADMIN_TOKEN: "x".repeat(43) });
    expect(result).toMatchObject({ code: 1, stdout: "", stderr: "admin: A valid admin token is required\n" });
  });

  it("takes --token over ADMIN_TOKEN", async () => {
    const result = await admin(["users", "list", "--token", adminToken], { ADMIN_TOKEN: "x".repeat(43) });
    expect(result.code).toBe(0);
  });

  it("says in one line when the worker cannot be reached", async () => {
    const port = await closedPort();
    const result = await admin(["users", "list", "--url", `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`admin: cannot reach http://127.0.0.1:${port} (ECONNREFUSED): is the worker running? (npm run dev)\n`);
  });

  it("rejects an unknown command, flag or extra argument with exit 2", async () => {
    expect(await admin(["users", "frob"])).toMatchObject({ code: 2, stderr: "admin: unknown users command: frob\n" });
    expect(await admin(["users", "list", "--path", "/x"])).toMatchObject({ code: 2, stderr: "admin: users list does not take --path\n" });
    expect(await admin(["users", "show", "a@example.com", "b@example.com"])).toMatchObject({ code: 2 });
    expect(await admin(["frobnicate"])).toMatchObject({ code: 2 });
  });
});

describe("npm run admin -- the admin token", () => {
  it("takes the admin token from the checkout's .dev.vars when neither --token nor ADMIN_TOKEN is given, and ADMIN_TOKEN over it", async () => {
    // A copy of scripts/ in a checkout of its own: the CLI reads the .dev.vars beside it,
    // and this checkout's (a developer's) is never read or written.
    const checkout = mkdtempSync(join(tmpdir(), "sesame-admin-cli-"));
    try {
      cpSync(join(ROOT, "scripts"), join(checkout, "scripts"), { recursive: true });
      const run = (env: Record<string, string | undefined>) =>
        new Promise<CliResult>((resolve) => {
          const { ADMIN_TOKEN: _ignored, ...inherited } = process.env;
          execFile(
            process.execPath,
            [join(checkout, "scripts", "admin.mjs"), "users", "list", "--url", worker.url],
            { cwd: checkout, env: { ...inherited, ...env }, timeout: 30_000 },
            (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
          );
        });
      expect((await run({})).stderr).toMatch(/no admin token/);
      writeFileSync(join(checkout, ".dev.vars"), `SESAME_SECRET=whatever\nADMIN_TOKEN='${adminToken}'\n`);
      expect(await run({})).toMatchObject({ code: 0, stderr: "" });
      expect(await run({ ADMIN_TOKEN: "x".repeat(43) })).toMatchObject({ code: 1, stderr: "admin: A valid admin token is required\n" });
    } finally {
      rmSync(checkout, { recursive: true, force: true });
    }
  });
});
