import type { IncomingMessage } from "node:http";

export function cookieJar(cookies: readonly string[]): {
  at(i: number): string;
  adopt(i: number, res: Pick<IncomingMessage, "headers">): void;
};
