import { describe, expect, it } from "vitest";
import { type Locale, matchLocale, negotiateLocale, parseAcceptLanguage, SUPPORTED_LOCALES } from "../src/i18n";

const ALL = { locales: SUPPORTED_LOCALES, defaultLocale: "en" as Locale };
const pick = (acceptLanguage: string | null, url = "https://edge.example/.sesame/login", settings = ALL) =>
  negotiateLocale(new Request(url, { headers: acceptLanguage === null ? {} : { "Accept-Language": acceptLanguage } }), settings);

describe("Accept-Language", () => {
  it("orders ranges by quality, keeps the header's order on ties, and drops q=0 and *", () => {
    expect(parseAcceptLanguage("fr;q=0.5, de, ja;q=0.8, *;q=0.1, es;q=0, en;q=0.8")).toEqual(["de", "ja", "en", "fr"]);
  });

  it("ignores malformed ranges and parameters rather than failing", () => {
    expect(parseAcceptLanguage("de;q=abc, <script>, fr-;q=1, ja")).toEqual(["de", "ja"]);
    expect(parseAcceptLanguage(",,,;;;")).toEqual([]);
  });

  it("picks the best enabled language by quality", () => {
    expect(pick("fr;q=0.4, ja;q=0.9, en;q=0.1").locale).toBe("ja");
  });

  it("falls back from a region to its language, and from pt to pt-BR", () => {
    expect(pick("de-CH").locale).toBe("de");
    expect(pick("de-AT-1996, en;q=0.5").locale).toBe("de");
    expect(pick("pt").locale).toBe("pt-BR");
    expect(pick("pt-PT").locale).toBe("pt-BR");
    expect(pick("PT-br").locale).toBe("pt-BR");
    expect(pick("es-419").locale).toBe("es");
  });

  it("prefers a lower-quality exact language over nothing, and DEFAULT_LOCALE over an unknown one", () => {
    expect(pick("sv, nl;q=0.9, fr;q=0.2").locale).toBe("fr");
    expect(pick("sv").locale).toBe("en");
    expect(pick(null).locale).toBe("en");
    expect(pick("sv", undefined, { locales: ["en", "ja"], defaultLocale: "ja" }).locale).toBe("ja");
  });

  it("never picks a language LOCALES leaves out", () => {
    expect(pick("de, fr;q=0.9", undefined, { locales: ["en", "fr"], defaultLocale: "en" }).locale).toBe("fr");
  });
});

describe("?lang=", () => {
  it("overrides Accept-Language and says it was chosen", () => {
    expect(pick("de", "https://edge.example/.sesame/login?lang=ja")).toEqual({ locale: "ja", chosen: true });
    expect(pick("de", "https://edge.example/.sesame/login?lang=pt")).toEqual({ locale: "pt-BR", chosen: true });
  });

  it("is ignored when it names no enabled language", () => {
    expect(pick("de", "https://edge.example/.sesame/login?lang=xx")).toEqual({ locale: "de", chosen: false });
    expect(pick("de", "https://edge.example/.sesame/login?lang=fr", { locales: ["en", "de"], defaultLocale: "en" })).toEqual({
      locale: "de",
      chosen: false,
    });
  });

  it("matches tags case-insensitively", () => {
    expect(matchLocale("EN-us", SUPPORTED_LOCALES)).toBe("en");
    expect(matchLocale("", SUPPORTED_LOCALES)).toBeNull();
  });
});
