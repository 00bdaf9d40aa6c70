import { describe, expect, it } from "vitest";
import { safeNext } from "../src/http/safe-next";
import { askForLink, getPage, latestMail, makeUser, PREFIX, postForm } from "./login-helpers";

// Every one of these must end at "/": each is a way to leave the site, or to land on the
// sign-in pages themselves, that some browser, proxy or framework has been known to honour.
const OPEN_REDIRECTS: [string, unknown][] = [
  ["protocol-relative", "//evil.com"],
  ["protocol-relative with path", "//evil.com/login"],
  ["backslash after slash", "/\\evil.com"],
  ["two backslashes", "\\\\evil.com"],
  ["backslash then slash", "\\/evil.com"],
  ["encoded double slash after slash", "/%2F%2Fevil.com"],
  ["encoded double slash alone", "%2F%2Fevil.com"],
  ["encoded slash after slash", "/%2Fevil.com"],
  ["encoded backslash after slash", "/%5Cevil.com"],
  ["double-encoded slash", "/%252F%252Fevil.com"],
  ["triple-encoded slash", "/%25252F%25252Fevil.com"],
  ["absolute https", "https://evil.com"],
  ["absolute http", "http://evil.com/path"],
  ["scheme without slashes", "https:evil.com"],
  ["javascript", "javascript:alert(1)"],
  ["javascript, mixed case", "JaVaScRiPt:alert(1)"],
  ["data URL", "data:text/html,<script>alert(1)</script>"],
  ["vbscript", "vbscript:msgbox(1)"],
  ["tab inside", "/\t/evil.com"],
  ["newline inside", "/\n/evil.com"],
  ["carriage return inside", "/\r/evil.com"],
  ["leading tab", "\t//evil.com"],
  ["leading space", " //evil.com"],
  ["NUL inside", "/\u0000/evil.com"],
  ["encoded tab inside", "/%09/evil.com"],
  ["userinfo", "@evil.com"],
  ["userinfo after double slash", "//user@evil.com"],
  ["full-width solidus twice", "／／evil.com"],
  ["slash then full-width solidus", "/／evil.com"],
  ["fraction slash", "/⁄evil.com"],
  ["division slash", "/∕evil.com"],
  ["encoded full-width solidus", "/%EF%BC%8Fevil.com"],
  ["zero-width space", "/\u200b/evil.com"],
  ["dot segments up to a double slash", "/a/../..//evil.com"],
  ["encoded dot segments", "/%2e%2e//evil.com"],
  ["bare host", "evil.com"],
  ["relative path without slash", "dashboard"],
  ["query only", "?next=//evil.com"],
  ["fragment only", "#//evil.com"],
  ["very long", `/${"a".repeat(5000)}`],
  ["invalid percent-encoding", "/%E0%A4%A"],
  ["the logout page", "/.sesame/logout"],
  ["the link page with a token", "/.sesame/link?sesame=abc"],
  ["the auth prefix itself", "/.sesame"],
  ["the auth prefix, upper case", "/.SESAME/logout"],
  ["the auth prefix, encoded", "/%2Esesame/logout"],
  ["the auth prefix behind a dot segment", "/x/../.sesame/logout"],
  ["empty", ""],
  ["not a string", 42],
  ["undefined", undefined],
  ["an array", ["/a"]],
];

const SAFE_PATHS: [string, string][] = [
  ["/", "/"],
  ["/dashboard", "/dashboard"],
  ["/reports/42?tab=summary&x=1", "/reports/42?tab=summary&x=1"],
  ["/search?q=https%3A%2F%2Fexample.com", "/search?q=https%3A%2F%2Fexample.com"],
  ["/a/b#section-2", "/a/b#section-2"],
  ["/caf%C3%A9", "/caf%C3%A9"],
  ["/a/./b/../c", "/a/c"],
  ["/@user", "/@user"],
  ["/.well-known/thing", "/.well-known/thing"],
  ["/sesame-docs", "/sesame-docs"],
  ["/.sesamex", "/.sesamex"],
];

describe("safeNext", () => {
  it.each(OPEN_REDIRECTS)("sends %s to /", (_name, payload) => {
    expect(safeNext(payload, "/.sesame")).toBe("/");
  });

  it.each(SAFE_PATHS)("keeps the same-site path %s", (input, expected) => {
    expect(safeNext(input, "/.sesame")).toBe(expected);
  });

  it("defaults the auth prefix to /.sesame", () => {
    expect(safeNext("/.sesame/logout")).toBe("/");
    expect(safeNext("/home")).toBe("/home");
  });

  it("lets a sign-in return to a continue value's route, and to no other page under the prefix", () => {
    const value = `${"a".repeat(40)}.${"B".repeat(43)}`;
    expect(safeNext(`/.sesame/continue/${value}`)).toBe(`/.sesame/continue/${value}`);
    for (const other of [
      "/.sesame/sso?app=wiki&origin=http%3A%2F%2Fwiki.example.com&next=%2Fpage&state=x",
      "/.sesame/continue/",
      `/.sesame/continue/${value}/x`,
      `/.sesame/continue/${value}x`,
      `/.sesame/continue/${value.replace(".", "")}`,
      `/.sesame/continue/${value}%2F..%2Flogout`,
      `/.sesame/continue/../logout`,
    ]) {
      expect(safeNext(other), other).toBe("/");
    }
  });

  it("honours another AUTH_PREFIX", () => {
    expect(safeNext("/auth/logout", "/auth")).toBe("/");
    expect(safeNext("/.sesame/logout", "/auth")).toBe("/.sesame/logout");
  });

  it("has a table of at least 30 open-redirect payloads", () => {
    expect(OPEN_REDIRECTS.length).toBeGreaterThanOrEqual(30);
  });
});

describe("next through the sign-in flow", () => {
  it("keeps only a safe next in the login form and the emailed link", async () => {
    const form = await (await getPage(`${PREFIX}/login?next=${encodeURIComponent("//evil.com")}`)).text();
    expect(form).toContain('name="next" value="/"');
    expect(form).not.toContain("evil.com");

    const user = await makeUser();
    await askForLink(user.email, { next: "https://evil.com/x" });
    const { link } = await latestMail(user.email);
    expect(new URL(link).searchParams.has("next")).toBe(false);
  });

  it("redirects after a code sign-in only to a safe next", async () => {
    const user = await makeUser();
    await askForLink(user.email);
    const { code } = await latestMail(user.email);
    const res = await postForm(`${PREFIX}/code`, { email: user.email, code, next: "/\\evil.com" });
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe("/");
  });
});
