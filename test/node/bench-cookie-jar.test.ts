/**
 * The gate bench holds its 1,000 session cookies as browsers would (docs/benchmarks.md,
 * "Load"): a cookie re-issued in an answer replaces that user's old one, and only that one,
 * and only with the same session. Without it, a run longer than SESSION_REVALIDATE measures
 * a D1 read on every request; with a careless one, the requests could quietly go to fewer
 * sessions than the bench reports.
 */
import { createServer, get, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieJar } from "../../bench/lib/cookie-jar.mjs";
import { load } from "../../bench/lib/gate-load.mjs";

const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** A session cookie shaped like the gate's: `sess=<JWT>` whose payload names `sid`. */
const sessionCookie = (sid: string, version: string) => `sess=${part({ alg: "HS256" })}.${part({ sid, v: version })}.signature`;

let server: Server;
let base: string;

beforeAll(async () => {
  // Answers /set?c=<cookie>&c=... with those cookies (and a cookie of another name).
  server = createServer((req, res) => {
    const wanted = new URL(req.url ?? "/", "http://x").searchParams.getAll("c");
    if (wanted.length > 0) res.setHeader("Set-Cookie", ["theme=dark; Path=/", ...wanted.map((c) => `${c}; Path=/; HttpOnly`)]);
    res.end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A real answer whose Set-Cookie carries `cookies`. */
function answerSetting(...cookies: string[]): Promise<IncomingMessage> {
  const query = cookies.map((c) => `c=${encodeURIComponent(c)}`).join("&");
  return new Promise((resolve, reject) => {
    get(`${base}/?${query}`, (res) => {
      res.resume();
      res.on("end", () => resolve(res));
    }).on("error", reject);
  });
}

describe("the gate bench's cookie jar", () => {
  const users = () => [sessionCookie("s0", "1"), sessionCookie("s1", "1"), sessionCookie("s2", "1")];

  it("sends request i the cookie of user i modulo the number of users", () => {
    const [a, b, c] = users();
    const jar = cookieJar([a!, b!, c!]);
    expect([0, 1, 2, 3, 4].map(jar.at)).toEqual([a, b, c, a, b]);
  });

  it("replaces that user's cookie with the one the answer re-issues for the same session, and no other user's", async () => {
    const [a, , c] = users();
    const jar = cookieJar(users());
    jar.adopt(4, await answerSetting(sessionCookie("s1", "2")));
    expect([jar.at(0), jar.at(1), jar.at(2)]).toEqual([a, sessionCookie("s1", "2"), c]);
  });

  it("keeps the cookie when the answer re-issues none, or only cookies of other names", async () => {
    const jar = cookieJar(users());
    jar.adopt(1, await answerSetting());
    jar.adopt(1, await answerSetting(`session2=${sessionCookie("s1", "3").slice("sess=".length)}`));
    expect(jar.at(1)).toBe(sessionCookie("s1", "1"));
  });

  it("refuses a re-issued cookie of another session, or a deleted one, rather than send it", async () => {
    const jar = cookieJar(users());
    const other = await answerSetting(sessionCookie("s2", "2"));
    expect(() => jar.adopt(1, other)).toThrow(/user 1's cookie was replaced by one of another session/);
    const deleted = await answerSetting("sess=");
    expect(() => jar.adopt(1, deleted)).toThrow(/user 1's cookie/);
    expect(jar.at(1)).toBe(sessionCookie("s1", "1"));
  });

  it("makes the bench's load fail, with the reason, when an answer re-issues another session's cookie", async () => {
    const jar = cookieJar(users());
    const reissuing = `${base}/?c=${encodeURIComponent(sessionCookie("s2", "2"))}`;
    const headersFor = (i: number) => ({ Cookie: jar.at(i) });
    await expect(load(reissuing, headersFor, 0, { minRequests: 1, connections: 1, onAnswer: jar.adopt })).rejects.toThrow(
      /1 requests to .* failed \(last: user 0's cookie was replaced by one of another session/,
    );
  });
});
