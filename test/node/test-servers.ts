/**
 * The real local servers the worker under test talks to (echo origin, Python wsgiref origin,
 * MailChannels stand-in, Turnstile siteverify stand-in), started once per vitest process on ephemeral loopback ports, so any number of
 * test runs can share the machine. The worker learns their URLs through its bindings
 * (ORIGIN_URL, MAILCHANNELS_API_URL); tests read them from `env`.
 */

import { spawn } from "node:child_process";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SITEVERIFY_PATH, startSiteverifyServer } from "../support/siteverify-server.mjs";
import { startMailServer } from "./mail-server";
import { startOriginServer } from "./origin-server";

export interface TestServers {
  originUrl: string;
  /** test/node/wsgi-origin.py: what a CGI-style (WSGI) origin makes of the headers it gets. */
  wsgiOriginUrl: string;
  mailUrl: string;
  /** Turnstile's siteverify stand-in (test/support/siteverify-server.mjs). */
  siteverifyUrl: string;
}

let started: Promise<TestServers> | null = null;

const portOf = (server: Server) => (server.address() as AddressInfo).port;

export function startTestServers(): Promise<TestServers> {
  started ??= (async () => {
    const [origin, mail, siteverify, wsgiOriginUrl] = await Promise.all([
      startOriginServer(0),
      startMailServer(0),
      startSiteverifyServer(0),
      startWsgiOrigin(),
    ]);
    // Never keep the test process alive: the servers end with it.
    origin.unref();
    mail.unref();
    siteverify.unref();
    return {
      originUrl: `http://127.0.0.1:${portOf(origin)}`,
      wsgiOriginUrl,
      mailUrl: `http://127.0.0.1:${portOf(mail)}/tx/v1/send`,
      siteverifyUrl: `http://127.0.0.1:${portOf(siteverify)}${SITEVERIFY_PATH}`,
    };
  })();
  return started;
}

/** Starts test/node/wsgi-origin.py on a free loopback port; it ends when this process does (its stdin closes). */
function startWsgiOrigin(): Promise<string> {
  const script = new URL("./wsgi-origin.py", import.meta.url).pathname;
  const child = spawn("python3", [script], { stdio: ["pipe", "pipe", "inherit"] });
  child.unref();
  return new Promise((resolve, reject) => {
    child.once("error", (error) => reject(new Error(`python3 is needed for the WSGI test origin: ${error.message}`)));
    child.once("exit", (code) => reject(new Error(`the WSGI test origin exited (${code})`)));
    child.stdout.once("data", (chunk: Buffer) => {
      const port = Number.parseInt(chunk.toString(), 10);
      // Neither pipe may keep the test process alive; closing stdin at exit is what stops Python.
      for (const stream of [child.stdin, child.stdout]) (stream as unknown as { unref?: () => void }).unref?.();
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}
