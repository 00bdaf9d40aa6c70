/**
 * A real origin app for tests: a Node http server on loopback that echoes what reached it
 * (method, path, headers, body size) as JSON, so tests can see exactly what the gate forwarded.
 */
import { createServer, type Server } from "node:http";

export function startOriginServer(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on("data", (chunk: Buffer) => (bytes += chunk.length));
    req.on("end", () => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, bodyBytes: bytes }));
    });
  });
  return listen(server, port);
}

export function listen(server: Server, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`test port ${port} is in use: stop what holds it`) : error),
    );
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}
