/**
 * Every Location the edge builds from a request path goes through the same check as `next`
 * (docs/security.md, "No open redirects"): a path that a browser reads as another host
 * (`//evil.example/x`, `/\evil.example/x`) never becomes one.
 */
import { describe, expect, it } from "vitest";
import { gate, userWithSession } from "./gate-support";

/** Request paths that a browser would follow to evil.example if they were put in Location as they are. */
const HOST_PATHS = ["//evil.example/x", "/\\evil.example/x", "/%2F%2Fevil.example/x", "/%5Cevil.example/x", "/.//evil.example/x"];

const loginWithNext = (next: string) => `/.sesame/login?next=${encodeURIComponent(next)}`;

describe("the share-token redirect", () => {
  it("never sends a signed-in user to another host, whatever the path", async () => {
    const { cookie } = await userWithSession();
    for (const path of HOST_PATHS) {
      const res = await gate(`${path}?sesame=anything`, { headers: { Accept: "text/html", Cookie: cookie } });
      expect(res.status, path).toBe(303);
      expect(res.headers.get("Location"), path).toBe("/");
    }
  });

  it("still returns to the same path and query, without the token, when the path is plain", async () => {
    const { cookie } = await userWithSession();
    const res = await gate("/docs/a%20b?tab=2&sesame=anything&x=", { headers: { Accept: "text/html", Cookie: cookie } });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/docs/a%20b?tab=2&x=");
  });
});

describe("the sign-in redirect", () => {
  it("carries a plain request path as next", async () => {
    const res = await gate("/reports/1?tab=2", { headers: { Accept: "text/html" } });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(loginWithNext("/reports/1?tab=2"));
  });

  it("carries / as next when the request path reads as another host", async () => {
    for (const path of HOST_PATHS) {
      for (const query of ["", "?sesame=not-a-token"]) {
        const res = await gate(`${path}${query}`, { headers: { Accept: "text/html" } });
        expect(res.status, path + query).toBe(302);
        expect(res.headers.get("Location"), path + query).toBe(loginWithNext("/"));
      }
    }
  });

  it("carries / as next from forward-auth when the proxy reports such a path", async () => {
    for (const uri of HOST_PATHS) {
      const res = await gate("/.sesame/verify?redirect=1", { headers: { Accept: "text/html", "X-Forwarded-Uri": uri } });
      expect(res.status, uri).toBe(302);
      expect(res.headers.get("Location"), uri).toBe(loginWithNext("/"));
    }
  });
});
