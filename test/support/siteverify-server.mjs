/**
 * A local stand-in for Turnstile's siteverify (POST /turnstile/v0/siteverify, form or JSON
 * body: secret, response, remoteip), for the workers tests and the browser test alike. Like
 * Cloudflare's, it answers by the secret key:
 *
 * - `1x0000000000000000000000000000000AA` (Cloudflare's "always passes" test secret): success,
 *   hostname `localhost`, once per token: a token seen before fails with
 *   `timeout-or-duplicate`, as real tokens do.
 * - `2x0000000000000000000000000000000AA` (Cloudflare's "always fails"): success false.
 * - `stand-in-other-host`: success, but solved on `evil.example`.
 * - `stand-in-hang`: never answers (the edge must give up after TURNSTILE_TIMEOUT).
 * - `stand-in-broken`: answers 500 with HTML.
 *
 * `GET /__seen?response=TOKEN` lists the requests that carried that token ({secret, response,
 * remoteip}), so a test can tell whether (and with what) the edge asked.
 */
import { createServer } from "node:http";

export const PASSING_SECRET = "1x0000000000000000000000000000000AA";
export const FAILING_SECRET = "2x0000000000000000000000000000000AA";
export const OTHER_HOST_SECRET = "stand-in-other-host";
export const HANGING_SECRET = "stand-in-hang";
export const BROKEN_SECRET = "stand-in-broken";
export const SITEVERIFY_PATH = "/turnstile/v0/siteverify";

/** Starts on 127.0.0.1:`port` (0: any free port); resolves to the server. */
export function startSiteverifyServer(port = 0) {
  const seen = [];
  const used = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const json = (status, body) => {
        if (res.destroyed) return;
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.method === "GET" && url.pathname === "/__seen") {
        return json(
          200,
          seen.filter((s) => s.response === url.searchParams.get("response")),
        );
      }
      if (req.method !== "POST" || url.pathname !== SITEVERIFY_PATH) return json(404, { error: "not found" });
      const fields = readFields(Buffer.concat(chunks).toString("utf8"), req.headers["content-type"] ?? "");
      seen.push(fields);
      const { secret, response } = fields;
      if (secret === HANGING_SECRET) return; // never answers
      if (secret === BROKEN_SECRET) {
        res.writeHead(500, { "Content-Type": "text/html" });
        return res.end("<h1>Internal Server Error</h1>");
      }
      const challenge_ts = new Date().toISOString();
      if (!response) return json(200, { success: false, "error-codes": ["missing-input-response"] });
      if (secret === FAILING_SECRET) return json(200, { success: false, "error-codes": ["invalid-input-response"] });
      if (secret === OTHER_HOST_SECRET) return json(200, { success: true, "error-codes": [], challenge_ts, hostname: "evil.example" });
      if (secret !== PASSING_SECRET) return json(200, { success: false, "error-codes": ["invalid-input-secret"] });
      if (used.has(response)) return json(200, { success: false, "error-codes": ["timeout-or-duplicate"] });
      used.add(response);
      return json(200, { success: true, "error-codes": [], challenge_ts, hostname: "localhost", action: "", cdata: "" });
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function readFields(body, contentType) {
  if (contentType.includes("application/json")) {
    try {
      const parsed = JSON.parse(body);
      return { secret: parsed.secret ?? null, response: parsed.response ?? null, remoteip: parsed.remoteip ?? null };
    } catch {
      return { secret: null, response: null, remoteip: null };
    }
  }
  const form = new URLSearchParams(body);
  return { secret: form.get("secret"), response: form.get("response"), remoteip: form.get("remoteip") };
}
