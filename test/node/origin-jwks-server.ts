/**
 * A stand-in for the edge's /.well-known/jwks.json on a free loopback port, for the origin
 * verifier's Node tests: its keys can change (rotation), it can fail, and it counts fetches.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { JSONWebKeySet } from "jose";

export interface JwksServer {
  /** The key set URL to give the verifier (unique per server, so each gets its own cache). */
  url: string;
  /** How many times the key set was fetched. */
  fetches: () => number;
  serve: (jwks: JSONWebKeySet) => void;
  /** Answer every fetch with this status and body instead of the keys (null: back to normal). */
  fail: (failure: { status: number; body: string } | null) => void;
  close: () => Promise<void>;
}

export async function startJwksServer(initial: JSONWebKeySet): Promise<JwksServer> {
  let jwks = initial;
  let failure: { status: number; body: string } | null = null;
  let fetches = 0;
  const server = createServer((req, res) => {
    if (req.url !== "/.well-known/jwks.json") {
      res.writeHead(404).end();
      return;
    }
    fetches += 1;
    if (failure) {
      res.writeHead(failure.status, { "Content-Type": "application/json" }).end(failure.body);
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json", "Cache-Control": "public, max-age=300" }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    fetches: () => fetches,
    serve: (next) => {
      jwks = next;
    },
    fail: (next) => {
      failure = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback URL where nothing listens: a port we held for a moment and released. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/.well-known/jwks.json`;
}
