/**
 * examples/origin as `npm run dev` runs it: `node examples/origin/server.mjs` in a child
 * process, importing the built `sesame-edge/origin` package, in front of a local JWKS.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIENCE, createSigner, ISSUER, jwksOf, signAssertion, type TestSigner } from "../origin-fixtures.ts";
import { type JwksServer, startJwksServer } from "./origin-jwks-server.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

let signer: TestSigner;
let jwks: JwksServer;
let child: ChildProcess;
let output = "";
let origin: string;

/** Starts the example on a free port and resolves with its URL from the line it prints. */
async function startExample(): Promise<string> {
  child = spawn(process.execPath, ["examples/origin/server.mjs"], {
    cwd: ROOT,
    env: { ...process.env, ORIGIN_PORT: "0", SESAME_JWKS_URL: jwks.url, SESAME_ISSUER: ISSUER, SESAME_AUDIENCE: AUDIENCE },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    if (url) return url;
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`examples/origin did not start:\n${output}`);
}

beforeAll(async () => {
  // The example imports the package (dist/origin), so build it from the current source first.
  await promisify(execFile)("npm", ["run", "--silent", "build:origin"], { cwd: ROOT });
  signer = await createSigner();
  jwks = await startJwksServer(jwksOf(signer));
  origin = await startExample();
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill("SIGTERM");
    await once(child, "exit");
  }
  await jwks?.close();
});

describe("examples/origin", () => {
  it("answers /healthz without an assertion", async () => {
    const res = await fetch(`${origin}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
  });

  it("answers /favicon.ico with 204 without an assertion, as the edge's default PUBLIC_PATHS lets it through", async () => {
    const res = await fetch(`${origin}/favicon.ico`);
    expect(res.status).toBe(204);
  });

  it("answers 401 with the error code when there is no assertion", async () => {
    const res = await fetch(`${origin}/`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "missing_assertion" });
  });

  it("answers 401 to forged Sesame-User-* headers and shows nothing of them", async () => {
    const res = await fetch(`${origin}/dashboard`, {
      headers: { "Sesame-User-Id": "usr_admin", "Sesame-User-Email": "admin@example.com" },
    });
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain("admin@example.com");
  });

  it("answers 401 with the code, never the token, for a bad assertion", async () => {
    const stranger = await createSigner(signer.kid);
    const token = await signAssertion(stranger);
    const res = await fetch(`${origin}/`, { headers: { "Sesame-Assertion": token } });
    expect(res.status).toBe(401);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ error: "invalid_assertion" });
    for (const part of token.split(".")) expect(body).not.toContain(part);
  });

  it("says Hello, <email> with the claims table and a sign-out form for a valid assertion", async () => {
    const token = await signAssertion(signer, { sub: "usr_gina", email: "gina@example.com", sid: "ses_gina" });
    const res = await fetch(`${origin}/some/page?x=1`, { headers: { "Sesame-Assertion": token } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain("<h1>Hello, gina@example.com</h1>");
    expect(html).toMatch(/<th>sub<\/th><td>usr_gina<\/td>/);
    expect(html).toMatch(/<th>sid<\/th><td>ses_gina<\/td>/);
    expect(html).toMatch(/<th>amr<\/th><td>link<\/td>/);
    expect(html).toContain('<form method="post" action="/.sesame/logout">');
  });

  it("escapes the email and claims it shows", async () => {
    const token = await signAssertion(signer, { email: `"<script>alert(1)</script>"@example.com`, scope: "path:/a&b" });
    const html = await (await fetch(`${origin}/`, { headers: { "Sesame-Assertion": token } })).text();
    expect(html).not.toContain("<script>");
    expect(html).toContain("Hello, &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;@example.com");
    expect(html).toContain("path:/a&amp;b");
  });

  it("stops cleanly on SIGTERM", async () => {
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });
});
