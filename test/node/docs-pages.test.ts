import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");
const doc = readFileSync(join(ROOT, "docs", "pages.md"), "utf8");
const images = [...doc.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);

describe("docs/pages.md", () => {
  it("shows every page in light and dark, in English and German", () => {
    const pages = [
      "sign-in",
      "sign-in-error",
      "check-email",
      "code-error",
      "link",
      "other-browser",
      "link-invalid",
      "email",
      "forbidden",
      "not-found",
      "sign-out",
      "access-denied",
      "signed-out",
      "dev-mailbox",
    ];
    const expected = pages.flatMap((page) =>
      ["en", "de"].flatMap((lang) => ["light", "dark"].map((scheme) => `pages/${page}-${lang}-${scheme}.png`)),
    );
    expect(expected.filter((image) => !images.includes(image))).toEqual([]);
  });

  it("shows only screenshots that exist", () => {
    expect(images.filter((image) => !existsSync(join(ROOT, "docs", image)))).toEqual([]);
  });
});
