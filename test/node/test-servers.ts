/**
 * The real local servers the worker under test talks to (echo origin, MailChannels
 * stand-in), started once per vitest process on ephemeral loopback ports, so any number of
 * test runs can share the machine. The worker learns their URLs through its bindings
 * (ORIGIN_URL, MAILCHANNELS_API_URL); tests read them from `env`.
 */

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startMailServer } from "./mail-server";
import { startOriginServer } from "./origin-server";

export interface TestServers {
  originUrl: string;
  mailUrl: string;
}

let started: Promise<TestServers> | null = null;

const portOf = (server: Server) => (server.address() as AddressInfo).port;

export function startTestServers(): Promise<TestServers> {
  started ??= (async () => {
    const [origin, mail] = await Promise.all([startOriginServer(0), startMailServer(0)]);
    // Never keep the test process alive: the servers end with it.
    origin.unref();
    mail.unref();
    return {
      originUrl: `http://127.0.0.1:${portOf(origin)}`,
      mailUrl: `http://127.0.0.1:${portOf(mail)}/tx/v1/send`,
    };
  })();
  return started;
}
