import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { isSameOriginRequest } from "../src/middleware/csrf";
import { askForLink, EDGE, getPage, mailCount, makeUser, me, PREFIX, postForm, signInByLink, uniqueEmail, worker } from "./login-helpers";

const FORM_POSTS: [string, Record<string, string>][] = [
  ["/login", { email: "someone@example.com", next: "/" }],
  ["/link", { sesame: "x", next: "/" }],
  ["/code", { email: "someone@example.com", code: "123456", next: "/" }],
  ["/logout", {}],
  ["/logout?everywhere=1", {}],
];

describe("CSRF protection on the sign-in forms", () => {
  it.each(FORM_POSTS)("refuses a cross-site POST %s with 403", async (path, fields) => {
    const res = await postForm(`${PREFIX}${path}`, fields, { headers: { Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("own page. Reload the page and try again.");
  });

  it.each(FORM_POSTS)("refuses a POST %s with neither Origin nor Sec-Fetch-Site", async (path, fields) => {
    const res = await postForm(`${PREFIX}${path}`, fields, { headers: {} });
    expect(res.status).toBe(403);
  });

  it("accepts a POST whose Origin is PUBLIC_URL's origin", async () => {
    const res = await askForLink(uniqueEmail(), { headers: { Origin: EDGE } });
    expect(res.status).toBe(200);
  });

  it("accepts a POST without Origin when Sec-Fetch-Site says same-origin", async () => {
    const res = await askForLink(uniqueEmail(), { headers: { "Sec-Fetch-Site": "same-origin" } });
    expect(res.status).toBe(200);
  });

  it.each(["cross-site", "same-site", "none"])("refuses a POST without Origin when Sec-Fetch-Site is %s", async (site) => {
    const res = await askForLink(uniqueEmail(), { headers: { "Sec-Fetch-Site": site } });
    expect(res.status).toBe(403);
  });

  it("accepts Origin null with Sec-Fetch-Site same-origin: what browsers send from our no-referrer pages", async () => {
    const res = await askForLink(uniqueEmail(), { headers: { Origin: "null", "Sec-Fetch-Site": "same-origin" } });
    expect(res.status).toBe(200);
  });

  it.each<Record<string, string>>([{}, { "Sec-Fetch-Site": "cross-site" }, { "Sec-Fetch-Site": "same-site" }])(
    "refuses Origin null unless Sec-Fetch-Site says same-origin (%j)",
    async (extra) => {
      const res = await askForLink(uniqueEmail(), { headers: { Origin: "null", ...extra } });
      expect(res.status).toBe(403);
    },
  );

  it.each([
    "http://localhost:8788",
    "https://localhost:8787",
    "http://sub.localhost:8787",
    "http://localhost:8787.evil.example",
    "http://LOCALHOST:8787 ",
  ])("refuses Origin %j even with Sec-Fetch-Site same-origin", async (origin) => {
    const res = await askForLink(uniqueEmail(), { headers: { Origin: origin, "Sec-Fetch-Site": "same-origin" } });
    expect(res.status).toBe(403);
  });

  it("sends no email for a refused cross-site POST /login", async () => {
    const user = await makeUser();
    await askForLink(user.email, { headers: { Origin: "https://evil.example" } });
    expect(await mailCount(user.email)).toBe(0);
  });

  it("does not sign out on a cross-site POST /logout", async () => {
    const cookie = await signInByLink((await makeUser()).email);
    const res = await postForm(`${PREFIX}/logout`, {}, { cookie, headers: { Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect((await me(cookie)).status).toBe(200);
  });

  it("leaves GET pages alone", async () => {
    expect((await getPage(`${PREFIX}/login`)).status).toBe(200);
    expect((await getPage(`${PREFIX}/logout`)).status).toBe(200);
  });

  it("does not apply to the admin API, which is authenticated by a bearer token", async () => {
    const res = await worker(`${PREFIX}/admin/api/users`, {
      method: "POST",
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, "Content-Type": "application/json" },
      body: JSON.stringify({ email: uniqueEmail("admin-made") }),
    });
    expect(res.status).toBe(201);
  });

  it("decides from Origin first, then Sec-Fetch-Site", () => {
    const request = (headers: Record<string, string>) => new Request("http://localhost:8787/x", { method: "POST", headers });
    expect(isSameOriginRequest(request({ Origin: EDGE }), EDGE)).toBe(true);
    expect(isSameOriginRequest(request({ Origin: "https://evil.example", "Sec-Fetch-Site": "same-origin" }), EDGE)).toBe(false);
    expect(isSameOriginRequest(request({ "Sec-Fetch-Site": "same-origin" }), EDGE)).toBe(true);
    expect(isSameOriginRequest(request({}), EDGE)).toBe(false);
  });
});
