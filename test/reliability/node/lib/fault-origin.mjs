/**
 * An origin app for the Node-side reliability run, that can fail on purpose and be stopped
 * and started again on the same port. It counts every request it answers, so a load test
 * can compare its count with the client's.
 *
 *   GET /__hang             never answers (until the client goes or the server stops)
 *   GET /__reset-head       drops the connection before any response
 *   GET /__reset-mid-body   sends the head (Content-Length: 1 MiB) and 64 KiB, then drops it
 *   anything else           200 {ok, path}, counted in `count`
 */
import { createServer } from "node:http";

export const MID_BODY_DECLARED_BYTES = 1024 * 1024;
const MID_BODY_SENT_BYTES = 64 * 1024;

/** Starts the origin on a free loopback port; `stop()` closes it (connections refused), `start()` reopens the same port. */
export async function startFaultOrigin() {
  let answered = 0;
  const sockets = new Set();
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://origin.invalid").pathname;
    req.resume();
    if (path === "/__hang") return;
    if (path === "/__reset-head") return req.socket.destroy();
    if (path === "/__reset-mid-body") {
      res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": String(MID_BODY_DECLARED_BYTES) });
      res.write(Buffer.alloc(MID_BODY_SENT_BYTES, 120), () => setTimeout(() => req.socket.destroy(), 50));
      return;
    }
    req.on("end", () => {
      answered += 1;
      const body = JSON.stringify({ ok: true, path });
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const listen = (port) =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve(server.address().port);
      });
    });
  const port = await listen(0);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    /** Requests answered 200 since the last reset. */
    count: () => answered,
    resetCount: () => {
      answered = 0;
    },
    /** Stops listening and drops every open connection: new connections are refused. */
    stop: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
    /** Listens again on the same port. */
    start: () => (server.listening ? Promise.resolve(port) : listen(port)),
  };
}
