import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { echoOf, gate, ORIGIN, userWithSession, workerWith } from "./gate-support";

const MB = 1024 * 1024;
const TWENTY_MB = 20 * MB;
/** Nothing listens on port 1 of loopback (tcpmux needs root and is never run here). */
const CLOSED_ORIGIN = "http://127.0.0.1:1";

async function originProgress(id: string): Promise<{ received: number; sent: number; finished: boolean } | null> {
  return (await fetch(`${ORIGIN}/__progress?id=${id}`)).json();
}

async function waitFor<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("proxying", () => {
  it("preserves method, path, query and body", async () => {
    const { cookie } = await userWithSession();
    const echo = await echoOf(
      await gate("/api/items/7?b=2&a=1&a=3&empty=", {
        method: "PUT",
        body: "x".repeat(1234),
        headers: { Cookie: cookie, "Content-Type": "text/plain" },
      }),
    );
    expect(echo).toMatchObject({ method: "PUT", url: "/api/items/7?b=2&a=1&a=3&empty=", bodyBytes: 1234 });
    expect(echo.headers["content-type"]).toBe("text/plain");
  });

  it("passes the origin's redirects on instead of following them, pointing its own address at the public URL", async () => {
    const { cookie } = await userWithSession();
    const res = await gate("/__redirect", { headers: { Cookie: cookie } });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("http://localhost:8787/landing?from=redirect");
  });

  it("passes the origin's own Set-Cookie on", async () => {
    const { cookie } = await userWithSession();
    const res = await gate("/__set-cookie", { headers: { Cookie: cookie } });
    expect(res.headers.getSetCookie()).toEqual(["origin_pref=dark; Path=/; HttpOnly"]);
  });
});

describe("origin failures", () => {
  it("answer 502 with a page for browsers and JSON for API clients, naming no address", async () => {
    const { cookie } = await userWithSession();
    const edge = workerWith({ ORIGIN_URL: CLOSED_ORIGIN });
    const page = await edge("/x", { headers: { Cookie: cookie, Accept: "text/html" } });
    expect(page.status).toBe(502);
    expect(page.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("not answering");
    expect(html).not.toMatch(/127\.0\.0\.1|:1\b/);

    const api = await edge("/x", { headers: { Cookie: cookie, Accept: "application/json" } });
    expect(api.status).toBe(502);
    const body = await api.text();
    expect(JSON.parse(body)).toMatchObject({ error: "origin_unreachable" });
    expect(body).not.toContain("127.0.0.1");
  });

  it("answer 502 when the origin drops the connection", async () => {
    const { cookie } = await userWithSession();
    const res = await gate("/__reset", { headers: { Cookie: cookie } });
    expect(res.status).toBe(502);
    expect(await res.text()).not.toContain(new URL(ORIGIN).port);
  });

  it("answer 504 when the origin does not answer within ORIGIN_TIMEOUT", async () => {
    const { cookie } = await userWithSession();
    const edge = workerWith({ ORIGIN_TIMEOUT: "1" });
    const started = Date.now();
    const res = await edge("/__slow", { headers: { Cookie: cookie } });
    const elapsed = Date.now() - started;
    expect(res.status).toBe(504);
    expect(await res.json()).toMatchObject({ error: "origin_timeout" });
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);
  });

  it("are not reached by an unauthenticated request", async () => {
    const res = await workerWith({ ORIGIN_URL: CLOSED_ORIGIN })("/x");
    expect(res.status).toBe(401);
  });
});

describe("streaming", () => {
  it("streams a 20 MB upload: the origin receives bytes before the client has finished sending", async () => {
    const { cookie } = await userWithSession();
    const id = crypto.randomUUID();
    const chunk = new Uint8Array(MB).fill(0x7a);
    let sent = 0;
    let releaseRest!: () => void;
    const rest = new Promise<void>((resolve) => (releaseRest = resolve));
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent === 2 * MB) await rest;
        if (sent >= TWENTY_MB) return controller.close();
        controller.enqueue(chunk);
        sent += chunk.length;
      },
    });
    const answer = gate("/upload", {
      method: "POST",
      body,
      headers: { Cookie: cookie, "Upload-Id": id, "Content-Type": "application/octet-stream" },
    });

    // Only 2 MB of 20 exist yet: if the gate buffered the body, the origin would see nothing.
    const seen = await waitFor(
      () => originProgress(id),
      (p) => (p?.received ?? 0) > 0,
    );
    expect(seen?.received).toBeGreaterThan(0);
    expect(seen?.finished).toBe(false);
    releaseRest();

    const echo = await echoOf(await answer);
    expect(echo.bodyBytes).toBe(TWENTY_MB);
  });

  it("streams a 20 MB download: the first bytes arrive while the origin still holds the rest", async () => {
    const { cookie } = await userWithSession();
    const id = crypto.randomUUID();
    const res = await gate(`/__download?bytes=${TWENTY_MB}&id=${id}`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    let received = first.value?.length ?? 0;
    expect(received).toBeGreaterThan(0);
    expect((await originProgress(id))?.finished).toBe(false);

    await fetch(`${ORIGIN}/__release?id=${id}`, { method: "POST" });
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += value.length;
    }
    expect(received).toBe(TWENTY_MB);
    expect((await originProgress(id))?.finished).toBe(true);
  });
});

describe("WebSockets", () => {
  function handshake(headers: Record<string, string> = {}) {
    return gate("/__ws", { headers: { Upgrade: "websocket", ...headers } });
  }

  it("pass through to the origin with the identity attached, and echo", async () => {
    const { user, cookie } = await userWithSession();
    const res = await handshake({ Cookie: cookie, "Sesame-User-Email": "boss@example.com" });
    expect(res.status).toBe(101);
    const socket = res.webSocket!;
    const messages: string[] = [];
    const arrived = (count: number) =>
      waitFor(
        async () => messages.length,
        (n) => n >= count,
        5000,
      );
    socket.addEventListener("message", (event) => messages.push(String(event.data)));
    socket.accept();

    await arrived(1);
    const { headers } = JSON.parse(messages[0]!) as { headers: Record<string, string> };
    expect(headers["sesame-user-email"]).toBe(user.email);
    expect(headers["sesame-assertion"]).toBeTypeOf("string");
    expect(headers.cookie).toBeUndefined();

    socket.send("ping through the gate");
    await arrived(2);
    expect(messages[1]).toBe("ping through the gate");
    socket.close(1000, "done");
  });

  it("are refused with 401 without authentication, even from a browser", async () => {
    const res = await handshake({ Accept: "text/html" });
    expect(res.status).toBe(401);
    expect(res.webSocket).toBeNull();
  });
});

describe("the origin's address", () => {
  it("is the configured ORIGIN_URL, its base path included: the request reaches that server, under that path", async () => {
    const { cookie } = await userWithSession();
    const echo = await echoOf(
      await workerWith({ ORIGIN_URL: `${ORIGIN}/mounted/app/` })("/docs/page?a=1", { headers: { Cookie: cookie } }),
    );
    expect(echo.url).toBe("/mounted/app/docs/page?a=1");
    // The echo origin answered, at its own address: not the edge's (PUBLIC_URL).
    expect(echo.headers.host).toBe(new URL(ORIGIN).host);
    expect(echo.headers.host).not.toBe(new URL(env.PUBLIC_URL).host);
  });
});
