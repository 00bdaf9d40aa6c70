import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("health", () => {
  it("answers ok without auth and with the auth headers", async () => {
    const res = await exports.default.fetch("http://localhost:8787/.sesame/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
  });

  it("answers an unknown auth route with a 404 JSON error", async () => {
    const res = await exports.default.fetch("http://localhost:8787/.sesame/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "not_found" });
  });
});
