import { describe, expect, it } from "vitest";
import { CATALOGUES, createTranslator, largestWholeUnit, SUPPORTED_LOCALES } from "../src/i18n";

const english = CATALOGUES.en;
const placeholders = (text: string) => [...text.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  it("ship English, German, French, Spanish, Brazilian Portuguese and Japanese", () => {
    expect(SUPPORTED_LOCALES).toEqual(["en", "de", "fr", "es", "pt-BR", "ja"]);
  });

  describe.each(SUPPORTED_LOCALES.filter((l) => l !== "en"))("%s", (locale) => {
    const catalogue: Record<string, string> = CATALOGUES[locale];

    it("has every English key", () => {
      expect(Object.keys(english).filter((key) => !(key in catalogue))).toEqual([]);
    });

    it("has no key English lacks", () => {
      expect(Object.keys(catalogue).filter((key) => !(key in english))).toEqual([]);
    });

    it("uses exactly the English placeholders in every message", () => {
      const differing = Object.entries(english)
        .filter(([key, text]) => placeholders(catalogue[key] ?? "").join() !== placeholders(text).join())
        .map(([key]) => key);
      expect(differing).toEqual([]);
    });

    it("leaves no message empty or untranslated where the words differ from English", () => {
      expect(Object.entries(catalogue).filter(([, text]) => text.trim() === "")).toEqual([]);
      // Same words as English are fine for a few short labels ("Code", "Link"); whole sentences are not.
      const copied = Object.entries(catalogue).filter(([key, text]) => text === english[key as keyof typeof english] && text.length > 12);
      expect(copied).toEqual([]);
    });
  });
});

describe("translator", () => {
  it("fills placeholders and leaves unknown braces alone", () => {
    const { t } = createTranslator("de");
    expect(t("common.signInTo", { appName: "Acme" })).toBe("Bei Acme anmelden");
    expect(t("code.enterDigits", { length: 8 })).toBe("Geben Sie den 8-stelligen Code aus der E-Mail ein.");
  });

  it("splits a message at its placeholders for markup", () => {
    const marker = { tag: "strong" };
    expect(createTranslator("en").parts("logout.signedInAs", { email: marker })).toEqual(["You are signed in as ", marker, "."]);
  });

  it.each([
    ["en", "in 10 minutes"],
    ["de", "in 10 Minuten"],
    ["fr", "dans 10 minutes"],
    ["es", "dentro de 10 minutos"],
    ["pt-BR", "em 10 minutos"],
    ["ja", "10 分後"],
  ] as const)("says 'in 10 minutes' in %s through Intl inside workerd", (locale, expected) => {
    expect(createTranslator(locale).relativeTime(600)).toBe(expected);
  });

  it("states durations in the reader's language, in the largest exact unit", () => {
    expect(createTranslator("de").duration(24 * 3600)).toBe("1 Tag");
    expect(createTranslator("fr").duration(7200)).toBe("2\u00a0heures");
    expect(createTranslator("en").relativeTime(5400)).toBe("in 90 minutes");
    expect(largestWholeUnit(1)).toEqual({ value: 1, unit: "minute" });
    expect(largestWholeUnit(61)).toEqual({ value: 2, unit: "minute" });
  });

  it("formats dates in the reader's language, in UTC", () => {
    expect(createTranslator("de").dateTime(Date.UTC(2026, 10, 29, 14, 5))).toBe("29.11.2026, 14:05 UTC");
    expect(createTranslator("en").dateTime(Date.UTC(2026, 10, 29, 14, 5))).toBe("Nov 29, 2026, 2:05 PM UTC");
  });
});
