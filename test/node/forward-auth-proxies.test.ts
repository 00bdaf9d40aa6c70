/**
 * docs/forward-auth.md's nginx and Caddy recipes, run by the real servers (Debian's nginx and
 * Caddy) on loopback in front of a real `wrangler dev` with two forwardAuth apps. The configs
 * are the doc's code blocks with only addresses, ports, host names and the secret replaced: a
 * recipe that stops working, or a replacement that no longer finds its text, fails here.
 * Without nginx or caddy installed the suites skip and say why (CI installs both).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalWorker, startLocalWorker } from "../../scripts/lib/local-worker.mjs";
import { testSigningKey } from "../support/test-env";
import { startOriginServer } from "./origin-server";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const DOC = readFileSync(join(ROOT, "docs/forward-auth.md"), "utf8");
const SECRET = randomBytes(32).toString("base64url");
const ADMIN_TOKEN = randomBytes(32).toString("base64url");

/** Debian's packages (apt-get install -y nginx caddy), found on PATH. */
const NGINX = "nginx";
const CADDY = "caddy";
const installed = (command: string, flag: string) => spawnSync(command, [flag], { stdio: "ignore" }).status === 0;
const HAVE_NGINX = installed(NGINX, "-v");
const HAVE_CADDY = installed(CADDY, "version");
if (!HAVE_NGINX || !HAVE_CADDY) {
  console.warn(
    `forward-auth recipe tests skipped: ${[!HAVE_NGINX && "nginx", !HAVE_CADDY && "caddy"].filter(Boolean).join(" and ")} not installed (apt-get install -y nginx caddy)`,
  );
}

/** The one fenced block of `language` in docs/forward-auth.md. */
function recipe(language: string): string {
  const blocks = [...DOC.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1] as string);
  if (blocks.length !== 1) throw new Error(`docs/forward-auth.md must hold exactly one \`\`\`${language} block, found ${blocks.length}`);
  return blocks[0] as string;
}

/** Replaces every `from` in `text`; a `from` the recipe no longer holds is a failure, never a silent no-op. */
function replaced(text: string, replacements: Array<[string, string]>): string {
  let out = text;
  for (const [from, to] of replacements) {
    if (!out.includes(from)) throw new Error(`the recipe in docs/forward-auth.md no longer contains ${JSON.stringify(from)}`);
    out = out.split(from).join(to);
  }
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server: Server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request to 127.0.0.1:`port` with `Host: host` (Node's fetch cannot set Host). */
function send(
  port: number,
  host: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path, method: init.method ?? "GET", headers: { Host: host, ...init.headers }, timeout: 20_000 },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error(`no answer from 127.0.0.1:${port}${path}`)));
    if (init.body) req.write(init.body);
    req.end();
  });
}

/** The `name=value` of the Set-Cookie named `name`. */
function cookie(answer: Answer, name: string): string {
  const found = (answer.headers["set-cookie"] ?? []).map((c) => c.split(";")[0] as string).find((c) => c.startsWith(`${name}=`));
  if (!found)
    throw new Error(
      `no ${name} cookie in ${JSON.stringify(answer.headers["set-cookie"])} (status ${answer.status}: ${answer.body.slice(0, 200)})`,
    );
  return found;
}

/** Waits until something accepts HTTP on 127.0.0.1:`port`, or the process ends. */
async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${child.spawnfile} exited (${child.exitCode}):\n${log()}`);
    try {
      await send(port, "probe.localhost", "/");
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${child.spawnfile} did not answer on ${port}:\n${log()}`);
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const EVERYONE_ON_LOOPBACK = {
  name: "staff",
  path: "/*",
  action: "allow",
  include: [{ everyone: true }],
  require: [{ ip: "127.0.0.0/8" }],
};
/** Both apps: a public folder, an admin folder for one group, everyone else from loopback (the proxy's X-Forwarded-For). */
const appFor = (name: string) => ({
  name,
  hosts: [`${name}.localhost`],
  origin: "http://127.0.0.1:9",
  forwardAuth: true,
  publicPaths: ["/static/*"],
  policies: [{ name: "admins", path: "/admin/*", action: "allow", include: [{ group: "fa-admins" }] }, EVERYONE_ON_LOOPBACK],
});

/** Client-sent identity and original-URI headers that must never reach the app. */
const FORGED: Record<string, string> = {
  "Sesame-User-Id": "forged",
  "Sesame-User-Email": "forged@evil.example",
  "Sesame-Assertion": "forged",
  Sesame_User_Id: "forged",
  "Sesame-Forward-Auth-Secret": "forged",
  "Remote-User": "forged",
  "X-Forwarded-User": "forged",
  "X-Forwarded-Email": "forged@evil.example",
  "X-Auth-Request-Email": "forged@evil.example",
  "Cf-Access-Authenticated-User-Email": "forged@evil.example",
  "X-Webauth-User": "forged",
  "X-Original-URL": "/admin/x",
};

let edge: LocalWorker;
let origin: import("node:http").Server;
let originPort: number;
let authCookie: string;
let userId: string;
const work = mkdtempSync(join(tmpdir(), "sesame-forward-auth-"));
const authHost = () => `localhost:${edge.port}`;

async function admin(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await send(edge.port, authHost(), `/.sesame/admin/api${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as Record<string, unknown>;
}

beforeAll(async () => {
  if (!HAVE_NGINX && !HAVE_CADDY) return;
  origin = await startOriginServer(0);
  originPort = (origin.address() as { port: number }).port;
  edge = await startLocalWorker({
    root: ROOT,
    vars: {
      SESAME_SECRET: randomBytes(32).toString("base64url"),
      SESAME_SECRET_FALLBACKS: "",
      SIGNING_KEYS: JSON.stringify([await testSigningKey("forward-auth-test")]),
      ADMIN_TOKEN,
      MAILER: "dev",
      APPS: JSON.stringify([appFor("wiki"), appFor("office")]),
      FORWARD_AUTH_SECRET: SECRET,
    },
  });
  // A user signed in on the auth host, as after clicking a sign-in link.
  const user = await admin("/users", { email: `fa-${Date.now()}@example.com` });
  userId = (user.user as { id: string }).id;
  const link = new URL((await admin(`/users/${userId}/tokens`, {})).url as string);
  const redeemed = await send(edge.port, authHost(), link.pathname, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: `http://${authHost()}` },
    body: new URLSearchParams({ sesame: link.searchParams.get("sesame") ?? "", next: "/" }).toString(),
  });
  authCookie = cookie(redeemed, "sesame");
}, 150_000);

afterAll(async () => {
  await edge?.stop();
  origin?.close();
  rmSync(work, { recursive: true, force: true });
}, 30_000);

/**
 * A browser's first visit to `path` on `host` through the proxy: sent through the handoff to
 * the auth host (already signed in there) and back; returns the app host's session cookie.
 */
async function signInThrough(port: number, host: string, path: string): Promise<string> {
  const html = { Accept: "text/html" };
  const first = await send(port, host, path, { headers: html });
  expect(first.status, first.body).toBe(302);
  const sso = new URL(first.headers.location as string);
  expect(sso.origin).toBe(`http://${authHost()}`);
  expect(sso.searchParams.get("origin")).toBe(`http://${host}`);
  const state = cookie(first, "sesame-state");
  const issued = await send(edge.port, authHost(), sso.pathname + sso.search, { headers: { ...html, Cookie: authCookie } });
  expect(issued.status, issued.body).toBe(302);
  const handoff = new URL(issued.headers.location as string);
  expect(handoff.origin).toBe(`http://${host}`);
  const done = await send(port, host, handoff.pathname + handoff.search, { headers: { ...html, Cookie: state } });
  expect(done.status, done.body).toBe(303);
  expect(done.headers.location).toBe(path);
  return cookie(done, "sesame");
}

/** What every recipe must do, through the proxy on `port` serving `host`. */
function behavesAsDocumented(port: () => number, host: () => string, otherHost: () => string) {
  let session: string;

  it("sends a browser without a session through the handoff, and signs it in on the app host", async () => {
    session = await signInThrough(port(), host(), "/page?x=1");
  });

  it("then gives the app the edge's identity and none of the forged headers", async () => {
    const res = await send(port(), host(), "/page?x=1", { headers: { ...FORGED, Cookie: session } });
    expect(res.status, res.body).toBe(200);
    const echo = JSON.parse(res.body) as { url: string; headers: Record<string, string | undefined> };
    expect(echo.url).toBe("/page?x=1");
    expect(echo.headers["sesame-user-id"]).toBe(userId);
    expect(echo.headers["sesame-assertion"]).toMatch(/^ey/);
    expect(echo.headers["sesame-user-email"]).toMatch(/^fa-\d+@example\.com$/);
    for (const name of Object.keys(FORGED).filter((n) => !/^Sesame-(User-Id|User-Email|Assertion)$/.test(n))) {
      expect(echo.headers[name.toLowerCase()] || undefined, name).toBeUndefined();
    }
  });

  it("answers 401 JSON to an API client without a session, and never reaches the app", async () => {
    const res = await send(port(), host(), "/page", { headers: { Accept: "application/json" } });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: "unauthenticated" });
  });

  it("refuses a path of the admin policy with 403 for a user outside its group", async () => {
    const res = await send(port(), host(), "/admin/x", { headers: { Cookie: session, Accept: "application/json" } });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('"headers"');
  });

  it("lets a public path through without identity, signed in or not", async () => {
    const variants: Record<string, string>[] = [{}, { Cookie: session }];
    for (const headers of variants) {
      const res = await send(port(), host(), "/static/app.css", { headers: { ...headers, "Sesame-User-Id": "forged" } });
      expect(res.status, res.body).toBe(200);
      const echo = JSON.parse(res.body) as { headers: Record<string, string | undefined> };
      expect(echo.headers["sesame-user-id"] || undefined).toBeUndefined();
      expect(echo.headers["sesame-assertion"] || undefined).toBeUndefined();
    }
  });

  it("never reaches the app for a client that names another app's host", async () => {
    // nginx asks the edge, which refuses (400) the host that disagrees; Caddy's site matches
    // its own host only. Either way the app never sees the request.
    const res = await send(port(), otherHost(), "/page", { headers: { Cookie: session, Accept: "application/json" } });
    expect(res.body).not.toContain('"headers"');
    expect(res.headers["sesame-user-id"]).toBeUndefined();
  });
}

describe.skipIf(!HAVE_NGINX)("the nginx recipe of docs/forward-auth.md, run by nginx", () => {
  let nginx: ChildProcess | undefined;
  let port: number;
  let log = "";

  beforeAll(async () => {
    port = await freePort();
    const dir = join(work, "nginx");
    mkdirSync(dir, { recursive: true });
    // The worker processes may run as another user: they need to write their temp files.
    chmodSync(dir, 0o777);
    const server = replaced(recipe("nginx"), [
      ["listen 443 ssl;", `listen 127.0.0.1:${port};`],
      ["server_name wiki.example.com;", "server_name wiki.localhost;"],
      ["https://sesame-edge.example.net", `http://127.0.0.1:${edge.port}`],
      ["wiki.example.com", `wiki.localhost:${port}`],
      ["REPLACE_WITH_FORWARD_AUTH_SECRET", SECRET],
      ["http://127.0.0.1:3000", `http://127.0.0.1:${originPort}`],
    ]);
    const conf = [
      "daemon off;",
      "worker_processes 1;",
      `pid ${dir}/nginx.pid;`,
      "events { worker_connections 64; }",
      "http {",
      "  access_log off;",
      ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => `  ${kind}_temp_path ${dir}/${kind};`),
      server,
      "}",
    ].join("\n");
    writeFileSync(join(dir, "nginx.conf"), conf);
    nginx = spawn(NGINX, ["-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf")], { stdio: ["ignore", "pipe", "pipe"] });
    nginx.stderr?.on("data", (chunk) => {
      log += chunk;
    });
    await waitForPort(port, nginx, () => `${log}${safeRead(join(dir, "error.log"))}`);
  }, 30_000);

  afterAll(async () => {
    await stop(nginx);
  });

  behavesAsDocumented(
    () => port,
    () => `wiki.localhost:${port}`,
    () => `office.localhost:${port}`,
  );
});

describe.skipIf(!HAVE_CADDY)("the Caddy recipe of docs/forward-auth.md, run by Caddy", () => {
  let caddy: ChildProcess | undefined;
  let port: number;
  let log = "";

  beforeAll(async () => {
    port = await freePort();
    const dir = join(work, "caddy");
    mkdirSync(dir, { recursive: true });
    const site = replaced(recipe("caddyfile"), [
      ["wiki.example.com {", `http://office.localhost:${port} {\n\tbind 127.0.0.1`],
      ["https://sesame-edge.example.net", `http://127.0.0.1:${edge.port}`],
      ["wiki.example.com", `office.localhost:${port}`],
      ["REPLACE_WITH_FORWARD_AUTH_SECRET", SECRET],
      ["127.0.0.1:3000", `127.0.0.1:${originPort}`],
    ]);
    const caddyfile = `{\n\tadmin off\n\tauto_https off\n}\n\n${site}`;
    writeFileSync(join(dir, "Caddyfile"), caddyfile);
    const env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
    caddy = spawn(CADDY, ["run", "--adapter", "caddyfile", "--config", join(dir, "Caddyfile")], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    caddy.stderr?.on("data", (chunk) => {
      log = (log + chunk).slice(-8000);
    });
    await waitForPort(port, caddy, () => log);
  }, 30_000);

  afterAll(async () => {
    await stop(caddy);
  });

  behavesAsDocumented(
    () => port,
    () => `office.localhost:${port}`,
    () => `wiki.localhost:${port}`,
  );
});

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}
