/**
 * A local stand-in for the MailChannels send API (POST /tx/v1/send) for tests: it records
 * every request it gets and answers 202, or what a test asked it to answer next.
 *
 * - `POST /__control {status, delayMs, headers?, apiKey?}`: the next send answers `status`
 *   (with `headers`) after `delayMs`. With `apiKey`, only the next send carrying that X-Api-Key does: test files run
 *   in parallel, so each uses its own key and no file consumes another's instruction.
 * - `GET /__sent[?apiKey=K]`: what it got (`{url, headers, body}`), oldest first.
 * - `DELETE /__sent[?apiKey=K]`: clears.
 */
import { createServer, type Server } from "node:http";
import { listen } from "./origin-server";

interface Answer {
  status: number;
  delayMs: number;
  /** Extra response headers, e.g. a Location for redirect tests. */
  headers?: Record<string, string>;
}
interface Recorded {
  url: string | undefined;
  headers: Record<string, unknown>;
  body: unknown;
}

export function startMailServer(port: number): Promise<Server> {
  let sent: Recorded[] = [];
  let next: Answer | null = null;
  const nextByKey = new Map<string, Answer>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const apiKey = url.searchParams.get("apiKey");
      const reply = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        // The client may have given up (timeout tests): answering a closed socket is fine.
        if (res.destroyed) return;
        res.writeHead(status, { ...headers, "Content-Type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (url.pathname === "/__sent" && req.method === "GET") {
        return reply(200, apiKey ? sent.filter((s) => s.headers["x-api-key"] === apiKey) : sent);
      }
      if (url.pathname === "/__sent" && req.method === "DELETE") {
        const kept = apiKey ? sent.filter((s) => s.headers["x-api-key"] !== apiKey) : [];
        const cleared = sent.length - kept.length;
        sent = kept;
        return reply(200, { cleared });
      }
      if (url.pathname === "/__control" && req.method === "POST") {
        const parsed = safeJson(body) as Partial<Answer> & { apiKey?: string };
        const answer = { status: Number(parsed.status ?? 202), delayMs: Number(parsed.delayMs ?? 0), headers: parsed.headers };
        if (parsed.apiKey) nextByKey.set(parsed.apiKey, answer);
        else next = answer;
        return reply(200, { ok: true });
      }
      if (url.pathname.startsWith("/tx/v1/send") && req.method === "POST") {
        const key = String(req.headers["x-api-key"] ?? "");
        let answer = nextByKey.get(key);
        if (answer) nextByKey.delete(key);
        else {
          answer = next ?? { status: 202, delayMs: 0 };
          next = null;
        }
        sent.push({ url: req.url, headers: req.headers, body: safeJson(body) });
        const { status, delayMs, headers } = answer;
        setTimeout(() => reply(status, status < 300 ? {} : { errors: ["simulated failure"] }, headers), delayMs);
        return;
      }
      reply(404, { error: "not found" });
    });
  });
  return listen(server, port);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
