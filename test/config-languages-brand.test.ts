import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { type ConfigKey, parseConfig } from "../src/config";
import { ConfigError } from "../src/errors";
import worker from "../src/index";

const MINIMAL = {
  SESAME_SECRET: "s".repeat(32),
  SIGNING_KEYS: env.SIGNING_KEYS as string,
  PUBLIC_URL: "https://app.example.com",
  ORIGIN_URL: "https://origin.internal.example.com",
  MAIL_FROM: "login@example.com",
  MAILCHANNELS_API_KEY: "mc-api-key",
};

function problemsWith(overrides: Partial<Record<ConfigKey, string>>): string[] {
  try {
    parseConfig({ ...MINIMAL, ...overrides });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("LOCALES and DEFAULT_LOCALE", () => {
  it("default to all six languages, English first and the fallback", () => {
    expect(parseConfig(MINIMAL).i18n).toEqual({ locales: ["en", "de", "fr", "es", "pt-BR", "ja"], defaultLocale: "en" });
  });

  it("accept any case and keep the operator's order, without repeats", () => {
    expect(parseConfig({ ...MINIMAL, LOCALES: "ja, PT-br,ja", DEFAULT_LOCALE: "pt-br" }).i18n).toEqual({
      locales: ["ja", "pt-BR"],
      defaultLocale: "pt-BR",
    });
  });

  it("refuse a language without a translation, naming the key and the entry", () => {
    const problems = problemsWith({ LOCALES: "en,sv" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^LOCALES entry "sv" has no translation: use some of en, de, fr, es, pt-BR, ja$/);
  });

  it("refuse a DEFAULT_LOCALE without a translation, or outside LOCALES", () => {
    expect(problemsWith({ DEFAULT_LOCALE: "klingon" })).toEqual([expect.stringMatching(/^DEFAULT_LOCALE "klingon" has no translation/)]);
    expect(problemsWith({ LOCALES: "de,fr", DEFAULT_LOCALE: "en" })).toEqual(["DEFAULT_LOCALE must be one of LOCALES (de, fr)"]);
  });
});

describe("BRAND_* and SUPPORT_*", () => {
  it("are all optional", () => {
    expect(parseConfig(MINIMAL).brand).toEqual({ logoUrl: null, palette: null, supportUrl: null, supportEmail: null });
  });

  it("read a logo URL, a colour (normalised, with its AA palette) and both support contacts", () => {
    const { brand } = parseConfig({
      ...MINIMAL,
      BRAND_LOGO_URL: "https://cdn.example.com/acme/logo.svg",
      BRAND_COLOR: "#F5C",
      SUPPORT_URL: "https://help.example.com/sign-in",
      SUPPORT_EMAIL: "help@example.com",
    });
    expect(brand).toMatchObject({
      logoUrl: "https://cdn.example.com/acme/logo.svg",
      palette: { accent: "#ff55cc" },
      supportUrl: "https://help.example.com/sign-in",
      supportEmail: "help@example.com",
    });
  });

  it.each([
    ["BRAND_LOGO_URL", "http://cdn.example.com/logo.png"],
    ["BRAND_LOGO_URL", "javascript:alert(1)"],
    ["BRAND_LOGO_URL", "https://user:pw@cdn.example.com/logo.png"],
    ["BRAND_LOGO_URL", "/logo.png"],
    ["SUPPORT_URL", "http://help.example.com"],
    ["BRAND_COLOR", "blue"],
    ["BRAND_COLOR", "#12345"],
    ["BRAND_COLOR", "1d4ed8"],
    ["SUPPORT_EMAIL", "help at example.com"],
  ] as const)("refuse %s=%s, naming the key", (key, value) => {
    const problems = problemsWith({ [key]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(key);
  });
});

describe("a worker refused by its configuration", () => {
  it("still tells a browser so in its own language", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const broken = { ...env, LOCALES: "en,xx" } as Env;
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      // The worker types its requests as incoming ones (with a cf object); a test request has none.
      new Request("http://localhost:8787/.sesame/login", { headers: { Accept: "text/html", "Accept-Language": "ja" } }) as Request<
        unknown,
        IncomingRequestCfProperties
      >,
      broken,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(500);
    expect(res.headers.get("Content-Language")).toBe("ja");
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html><html lang="ja">/);
    expect(html).toContain("このサインインゲートの設定に誤りがあります。");
    vi.restoreAllMocks();
  });
});
