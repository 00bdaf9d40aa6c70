import { describe, expect, it } from "vitest";
import { canonicalPath } from "../../src/access/canonical-path";

/** The pathname a worker sees for `raw`: the URL parser runs first. */
const pathnameOf = (raw: string) => new URL(`https://wiki.example.com${raw}`).pathname;

describe("canonicalPath", () => {
  it.each([
    ["/admin", "/admin"],
    ["/admin/x", "/admin/x"],
    ["/ADMIN/x", "/ADMIN/x"],
    ["/%61dmin/x", "/admin/x"],
    ["/./admin/x", "/admin/x"],
    ["/admin/../admin/x", "/admin/x"],
    ["/admin/%2e%2e/admin/x", "/admin/x"],
    ["/caf%C3%A9", "/café"],
    ["/a%20b", "/a b"],
    ["/", "/"],
    ["/x/", "/x/"],
  ])("reads %s as %s", (raw, expected) => {
    expect(canonicalPath(pathnameOf(raw))).toBe(expected);
  });

  it.each([
    ["//admin/x", "a double slash"],
    ["/admin%2fx", "an encoded slash"],
    ["/admin%2Fx", "an encoded slash in upper case"],
    ["/admin%5cx", "an encoded backslash"],
    ["/\\admin/x", "a backslash (the URL parser makes it //admin)"],
    ["/admin%00x", "an encoded NUL"],
    ["/admin%0ax", "an encoded line feed"],
    ["/%2561dmin/x", "double encoding"],
    ["/admin%ff", "invalid UTF-8"],
    ["/admin\uff0fx", "a fullwidth slash"],
    ["/admin\uff0e\uff0e/x", "fullwidth dots"],
    ["/%EF%BC%8Fadmin", "an encoded fullwidth slash"],
    ["/e\u0301", "a decomposed accent"],
  ])("refuses %s (%s)", (raw, _why) => {
    expect(canonicalPath(pathnameOf(raw))).toBeNull();
  });

  // Once refused only for PUBLIC_PATHS and share scopes: one rule now decides every path (docs/access.md, "Paths").
  it.each([
    ["/admin%2ex", "an encoded dot inside a segment"],
    ["/admin%2E%2Ex", "encoded dots the URL parser leaves alone"],
    ["/admin..x", 'a ".." inside a segment'],
    ["/admin\u200bx", "a zero-width space, which NFKC keeps"],
    ["/admin%C2%ADx", "a soft hyphen, which NFKC keeps"],
    ["/admin%C2%85x", "a C1 control character"],
    ["/admin\u2215x", "a division slash, which NFKC keeps"],
    ["/admin\u2044x", "a fraction slash"],
    ["/admin\u202ex", "a right-to-left override"],
  ])("refuses %s (%s), as PUBLIC_PATHS and share scopes always did", (raw, _why) => {
    expect(canonicalPath(pathnameOf(raw))).toBeNull();
  });

  // Path parameters: Tomcat, Jetty and Spring drop `;...` from every segment, Python's urlparse
  // from the last one, so each reads these as /admin or /admin/x, not as the path decided on.
  it.each([
    ["/admin;x", "a path parameter on the last segment"],
    ["/admin;", "an empty path parameter"],
    ["/admin;x/y", "a path parameter inside the path"],
    ["/admin%3bx", "an encoded semicolon"],
  ])("refuses %s (%s)", (raw, _why) => {
    expect(canonicalPath(pathnameOf(raw))).toBeNull();
  });

  it("refuses dot segments that reach it without the URL parser", () => {
    expect(canonicalPath("/a/../b")).toBeNull();
    expect(canonicalPath("/a/./b")).toBeNull();
    expect(canonicalPath("a/b")).toBeNull();
  });
});
