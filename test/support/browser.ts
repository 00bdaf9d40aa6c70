/**
 * A browser's cookie handling, just enough for the cross-host sign-in tests: one jar per host
 * name (every cookie of the edge is host-only), Set-Cookie stored and expired as a browser
 * would, redirects followed one hop at a time so each hop can be looked at.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApp } from "../../src/app";
import { getConfig } from "../../src/config";

export type AbsoluteFetcher = (url: string, init?: RequestInit) => Promise<Response>;

/** The worker with `overrides` on top of the test bindings, asked at absolute URLs (the host comes from the URL). */
export function edgeAt(overrides: Record<string, unknown>): AbsoluteFetcher {
  const modified = { ...env, ...overrides } as Env;
  const app = createApp(getConfig(modified));
  return async (url, init) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(url, { redirect: "manual", ...init }), modified, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
}

export class Browser {
  private readonly jars = new Map<string, Map<string, string>>();
  constructor(private readonly edge: AbsoluteFetcher) {}

  /** Sets a cookie on `host` as if a response of that host had set it. */
  setCookie(host: string, name: string, value: string): void {
    this.jar(host).set(name, value);
  }

  cookie(host: string, name: string): string | undefined {
    return this.jars.get(host)?.get(name);
  }

  /** One request as a page navigation, with this browser's cookies for the URL's host. */
  async open(url: string, init: RequestInit = {}): Promise<Response> {
    const host = new URL(url).hostname;
    const headers = new Headers({ Accept: "text/html", ...(init.headers as Record<string, string>) });
    const pairs = [...this.jar(host)].map(([name, value]) => `${name}=${value}`);
    if (pairs.length > 0) headers.set("Cookie", pairs.join("; "));
    const res = await this.edge(url, { ...init, headers });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      if (/;\s*Max-Age=0\b/i.test(line)) this.jar(host).delete(name);
      else this.jar(host).set(name, pair!.slice(eq + 1));
    }
    return res;
  }

  /** Opens `url` and follows redirects; returns the last answer and every URL visited. */
  async follow(url: string, init: RequestInit = {}): Promise<{ res: Response; visited: string[] }> {
    const visited = [url];
    let res = await this.open(url, init);
    while ([301, 302, 303, 307, 308].includes(res.status) && visited.length < 10) {
      const next = new URL(res.headers.get("Location")!, visited.at(-1)).href;
      visited.push(next);
      res = await this.open(next);
    }
    return { res, visited };
  }

  private jar(host: string): Map<string, string> {
    let jar = this.jars.get(host);
    if (!jar) {
      jar = new Map();
      this.jars.set(host, jar);
    }
    return jar;
  }
}
