/**
 * A local stand-in for the MailChannels send API (POST /tx/v1/send) for tests: it records
 * every request it gets and answers 202, or what a test asked it to answer next
 * (`POST /__control {status, delayMs}`); `GET /__sent` lists what it got; `DELETE /__sent` clears.
 */
import { createServer, type Server } from "node:http";
import { listen } from "./origin-server";

export function startMailServer(port: number): Promise<Server> {
  const sent: unknown[] = [];
  let next: { status: number; delayMs: number } | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(payload));
      };
      if (req.url === "/__sent" && req.method === "GET") return reply(200, sent);
      if (req.url === "/__sent" && req.method === "DELETE") return reply(200, { cleared: sent.splice(0).length });
      if (req.url === "/__control" && req.method === "POST") {
        next = JSON.parse(body);
        return reply(200, { ok: true });
      }
      if (req.url?.startsWith("/tx/v1/send") && req.method === "POST") {
        const answer = next ?? { status: 202, delayMs: 0 };
        next = null;
        sent.push({ url: req.url, headers: req.headers, body: safeJson(body) });
        setTimeout(() => reply(answer.status, answer.status < 300 ? {} : { errors: ["simulated failure"] }), answer.delayMs);
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
