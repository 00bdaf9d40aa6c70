/**
 * A real origin app for tests: a Node http server on loopback. By default it echoes what
 * reached it (method, url, headers, body size) as JSON, so tests can see exactly what the
 * gate forwarded. A few paths misbehave on purpose:
 *
 *   GET  /__download?bytes=N&id=X   streams N bytes: the first 64 KiB at once, the rest only
 *                                   after POST /__release?id=X (or 10 s), so a test can see
 *                                   the first chunk arrive before the origin has finished
 *   GET  /__progress?id=X           {received, finished, sent} for an upload (`Upload-Id: X`)
 *                                   or a download named X
 *   GET  /__slow                    never answers (504 tests)
 *   GET  /__reset                   drops the connection without a response (502 tests)
 *   GET  /__redirect                302 to this origin's own absolute URL (?to=URL: to that URL)
 *   GET  /__set-cookie              sets an origin cookie
 *   GET  /__hsts?value=V            answers with Strict-Transport-Security: V
 *   WS   /__ws                      WebSocket echo; first message is {headers} of the handshake
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

const FIRST_CHUNK_BYTES = 64 * 1024;
const CHUNK_BYTES = 256 * 1024;
/** Held downloads and slow requests give up on their own, so a failed test cannot hang the run. */
const HOLD_LIMIT_MS = 10_000;

interface Progress {
  received: number;
  sent: number;
  finished: boolean;
  release?: () => void;
}

export function startOriginServer(port: number): Promise<Server> {
  const progress = new Map<string, Progress>();
  const track = (id: string): Progress => {
    let entry = progress.get(id);
    if (!entry) {
      entry = { received: 0, sent: 0, finished: false };
      progress.set(id, entry);
    }
    return entry;
  };

  const server = createServer((req, res) => {
    const url = requestUrl(req);
    switch (url.pathname) {
      case "/__download":
        return streamDownload(res, Number(url.searchParams.get("bytes") ?? "0"), track(url.searchParams.get("id") ?? "download"));
      case "/__release": {
        progress.get(url.searchParams.get("id") ?? "")?.release?.();
        return json(res, 200, { released: true });
      }
      case "/__progress": {
        const entry = progress.get(url.searchParams.get("id") ?? "");
        return json(res, 200, entry ? { received: entry.received, sent: entry.sent, finished: entry.finished } : null);
      }
      case "/__slow": {
        const timer = setTimeout(() => res.destroy(), HOLD_LIMIT_MS);
        res.on("close", () => clearTimeout(timer));
        return;
      }
      case "/__reset":
        return req.socket.destroy();
      case "/__redirect":
        res.writeHead(302, {
          Location: url.searchParams.get("to") ?? `http://127.0.0.1:${(server.address() as AddressInfo).port}/landing?from=redirect`,
        });
        return res.end();
      case "/__hsts":
        res.writeHead(200, { "Strict-Transport-Security": url.searchParams.get("value") ?? "", "Content-Type": "text/plain" });
        return res.end("ok");
      case "/__set-cookie":
        res.writeHead(200, { "Set-Cookie": "origin_pref=dark; Path=/; HttpOnly", "Content-Type": "text/plain" });
        return res.end("ok");
    }
    echo(req, res, track);
  });

  const sockets = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req, socket, head) => {
    if (requestUrl(req).pathname !== "/__ws") return socket.destroy();
    sockets.handleUpgrade(req, socket, head, (ws) => {
      ws.send(JSON.stringify({ headers: req.headers }));
      ws.on("message", (data, isBinary) => ws.send(data, { binary: isBinary }));
    });
  });

  // Held requests must not keep the run from ending: closing the server drops every connection.
  const close = server.close.bind(server);
  server.close = ((callback?: (error?: Error) => void) => {
    for (const ws of sockets.clients) ws.terminate();
    close(callback);
    server.closeAllConnections();
    return server;
  }) as Server["close"];
  return listen(server, port);
}

/**
 * The request target as a URL. Prefixing the origin (rather than passing it as a base)
 * keeps a target like "//%2e%2e/x" a path: as a relative URL it would name a host, and an
 * invalid one throws, which would take the whole test process down with it.
 */
function requestUrl(req: IncomingMessage): URL {
  const target = req.url?.startsWith("/") ? req.url : "/";
  try {
    return new URL(`http://origin.invalid${target}`);
  } catch {
    return new URL("http://origin.invalid/");
  }
}

function echo(req: IncomingMessage, res: ServerResponse, track: (id: string) => Progress) {
  const uploadId = req.headers["upload-id"];
  const entry = typeof uploadId === "string" ? track(uploadId) : null;
  let bytes = 0;
  req.on("data", (chunk: Buffer) => {
    bytes += chunk.length;
    if (entry) entry.received = bytes;
  });
  req.on("end", () => {
    if (entry) entry.finished = true;
    json(res, 200, { method: req.method, url: req.url, headers: req.headers, bodyBytes: bytes });
  });
}

function streamDownload(res: ServerResponse, total: number, entry: Progress) {
  entry.sent = 0;
  entry.finished = false;
  res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(total) });
  const first = Math.min(FIRST_CHUNK_BYTES, total);
  res.write(Buffer.alloc(first, 0x61));
  entry.sent = first;
  const rest = () => {
    clearTimeout(timer);
    entry.release = undefined;
    const writeMore = () => {
      while (entry.sent < total) {
        const size = Math.min(CHUNK_BYTES, total - entry.sent);
        entry.sent += size;
        if (!res.write(Buffer.alloc(size, 0x62))) return void res.once("drain", writeMore);
      }
      entry.finished = true;
      res.end();
    };
    writeMore();
  };
  const timer = setTimeout(rest, HOLD_LIMIT_MS);
  entry.release = rest;
  res.on("close", () => clearTimeout(timer));
}

function json(res: ServerResponse, status: number, payload: unknown) {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(payload));
}

/**
 * Idle kept-alive connections stay open until the client closes them (0: no idle timeout).
 * workerd keeps its idle connections to an origin for as long as the runtime lives (a whole
 * test file; idle for 48 s in an 80 s run), and a request it sends on one that the server
 * has just closed, before its busy event loop has read the close, fails with "Network
 * connection lost" (a 502 at the gate). Node closes idle connections after 5 s by default
 * (120 s here before): with a 1 s timeout, 1 of 97 valid requests of the tokens surface
 * failed that way, and a 227 s run on a loaded machine lost two (docs/reliability.md).
 */
const KEEP_ALIVE_TIMEOUT_MS = 0;

export function listen(server: Server, port: number): Promise<Server> {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`test port ${port} is in use: stop what holds it`) : error),
    );
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
