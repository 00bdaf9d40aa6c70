/**
 * A translator for one locale: messages with their placeholders filled, and the dates and
 * durations of the pages and emails in the reader's language, through Intl.
 */
import { CATALOGUES, type Locale, type MessageKey, type MessageParams } from "./catalogue";

export interface Translator {
  locale: Locale;
  /** The message with `{placeholders}` replaced by `params` (as text; callers escape by rendering). */
  t<K extends MessageKey>(key: K, ...params: keyof MessageParams<K> extends never ? [] : [MessageParams<K>]): string;
  /**
   * The message cut at its placeholders, each replaced by `parts[name]`: for messages whose
   * placeholders are markup (a link, a <strong>), rendered by hono/jsx, which escapes text.
   */
  parts<K extends MessageKey, P>(key: K, parts: Record<keyof MessageParams<K>, P>): (string | P)[];
  /** "in 10 minutes", "dans 10 minutes", "10 分後": how far away `seconds` from now is. */
  relativeTime(seconds: number): string;
  /** "24 hours", "24 Stunden": a length of time. */
  duration(seconds: number): string;
  /** A date and time, medium style, in UTC (the server cannot know the reader's zone). */
  dateTime(epochMs: number): string;
}

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

const translators = new Map<Locale, Translator>();

/** The translator for `locale`, made once per isolate (Intl formatters are costly to build). */
export function createTranslator(locale: Locale): Translator {
  let translator = translators.get(locale);
  if (!translator) {
    translator = buildTranslator(locale);
    translators.set(locale, translator);
  }
  return translator;
}

function buildTranslator(locale: Locale): Translator {
  const catalogue = CATALOGUES[locale];
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: "always" });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
  return {
    locale,
    t(key, ...params) {
      const values = (params[0] ?? {}) as Record<string, string | number>;
      return catalogue[key].replace(PLACEHOLDER, (whole, name: string) => (name in values ? String(values[name]) : whole));
    },
    parts(key, parts) {
      const values = parts as Record<string, unknown>;
      const pieces = catalogue[key].split(PLACEHOLDER);
      // split() with a capture group alternates text, name, text, name, ..., text.
      return pieces
        .map((piece, i) => (i % 2 === 1 ? (piece in values ? values[piece] : `{${piece}}`) : piece))
        .filter((piece) => piece !== "") as never;
    },
    relativeTime(seconds) {
      const { value, unit } = largestWholeUnit(seconds);
      return relative.format(value, unit);
    },
    duration(seconds) {
      const { value, unit } = largestWholeUnit(seconds);
      return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(value);
    },
    dateTime(epochMs) {
      // dateStyle cannot be combined with timeZoneName; "UTC" reads the same in every language.
      return `${dateTime.format(new Date(epochMs))} UTC`;
    },
  };
}

/**
 * 600 s -> 10 minutes, 7200 s -> 2 hours, 5400 s -> 90 minutes: the largest unit that
 * states the time exactly, rounded up to whole minutes (a "wait 0 minutes" helps nobody).
 */
export function largestWholeUnit(seconds: number): { value: number; unit: "minute" | "hour" | "day" } {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  if (minutes % 1440 === 0) return { value: minutes / 1440, unit: "day" };
  if (minutes % 60 === 0) return { value: minutes / 60, unit: "hour" };
  return { value: minutes, unit: "minute" };
}
