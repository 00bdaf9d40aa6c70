import { describe, expect, it } from "vitest";
import devVarsExample from "../.dev.vars.example?raw";
import doc from "../docs/configuration.md?raw";
import readme from "../README.md?raw";
import { CONFIG_KEYS, type ConfigKey, isSecretConfigKey } from "../src/config";

/** Finds the table row documenting `key`: `| \`KEY\` | default | meaning |`. */
function rowFor(key: string, text = doc): string[] | null {
  const line = text.split("\n").find((l) => l.startsWith(`| \`${key}\` |`));
  return line ? line.split("|").map((cell) => cell.trim()) : null;
}

describe("docs/configuration.md", () => {
  it.each(Object.keys(CONFIG_KEYS) as ConfigKey[])("documents %s with its default", (key) => {
    const row = rowFor(key);
    expect(row, `${key} has no row in docs/configuration.md`).not.toBeNull();
    const documented = row![2]!;
    const actual = CONFIG_KEYS[key];
    if (actual === "") expect(documented).toMatch(/^\(|^origin of|^`APP_NAME`$/);
    else expect(documented).toBe(`\`${actual}\``);
  });

  it("documents no key the worker does not read", () => {
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
    const known = new Set([...Object.keys(CONFIG_KEYS), "DB", "REVOKED", "EMAIL"]);
    expect(documented.filter((key) => !known.has(key))).toEqual([]);
  });
});

describe("README.md", () => {
  it.each(Object.keys(CONFIG_KEYS) as ConfigKey[])("lists %s with its default", (key) => {
    const row = rowFor(key, readme);
    expect(row, `${key} has no row in README.md`).not.toBeNull();
    const actual = CONFIG_KEYS[key];
    if (actual === "") expect(row![2]).toMatch(/^\(|^origin of|^`APP_NAME`$/);
    else expect(row![2]).toBe(`\`${actual}\``);
  });
});

describe(".dev.vars.example", () => {
  const section = (title: string) => doc.split(/^## /m).find((part) => part.startsWith(`${title}\n`)) ?? "";
  /** `KEY=` lines, set or commented out. */
  const named = [...devVarsExample.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);

  it.each([...section("Secrets").matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!))("holds the secret %s, ready to fill in", (key) => {
    expect(devVarsExample).toMatch(new RegExp(`^${key}=`, "m"));
  });

  it("shows the languages, brand, Turnstile and same-device settings, and names no key the worker does not read", () => {
    for (const key of [
      "TURNSTILE_SITE_KEY",
      "SAME_DEVICE",
      "LOCALES",
      "DEFAULT_LOCALE",
      "BRAND_LOGO_URL",
      "BRAND_COLOR",
      "SUPPORT_URL",
      "SUPPORT_EMAIL",
    ]) {
      expect(named).toContain(key);
    }
    expect(named.filter((key) => !(key in CONFIG_KEYS))).toEqual([]);
  });
});

describe("the admin console's settings page", () => {
  it("hides every key of the Secrets table, showing only whether it is set", () => {
    const section = doc.slice(doc.indexOf("## Secrets"), doc.indexOf("\n## ", doc.indexOf("## Secrets") + 1));
    const secrets = [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
    expect(secrets.length).toBeGreaterThan(3);
    expect(secrets.filter((key) => !isSecretConfigKey(key))).toEqual([]);
  });
});
