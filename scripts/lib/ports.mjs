/** Port checks done before anything starts, so a busy port is a clear message, not a crash later. */
import { createServer } from "node:net";

class PortInUseError extends Error {
  constructor(port, what) {
    super(`port ${port} (${what}) is already in use on 127.0.0.1: stop what holds it, or choose another port`);
    this.code = "PORT_IN_USE";
    this.port = port;
  }
}

/** Resolves when `port` can be bound on 127.0.0.1; rejects with PortInUseError otherwise. */
export function assertPortFree(port, what = "port") {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", (error) =>
      reject(error.code === "EADDRINUSE" || error.code === "EACCES" ? new PortInUseError(port, what) : error),
    );
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve()));
  });
}

/** A port the OS says is free right now (tests use it to avoid fixed ports). */
export function findFreePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1" }, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Parses a port number from a flag or env value; throws a one-line error naming the source. */
export function parsePort(raw, source) {
  const port = Number(raw);
  if (!/^\d+$/.test(String(raw)) || port < 1 || port > 65535) {
    throw new Error(`${source} must be a port number from 1 to 65535, got ${JSON.stringify(String(raw))}`);
  }
  return port;
}
