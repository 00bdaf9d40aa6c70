/**
 * The message catalogues and their types. English is the reference: `MessageKey` is its
 * keys, and every other catalogue is typed `Catalogue`, so a missing or extra key is a
 * type error; `MessageParams<K>` reads the `{placeholders}` out of the English text, so a
 * call that forgets one does not compile either.
 */
import { de } from "./messages/de";
import { en } from "./messages/en";
import { es } from "./messages/es";
import { fr } from "./messages/fr";
import { ja } from "./messages/ja";
import { ptBR } from "./messages/pt-BR";

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;

/** "a {x} b {y}" -> "x" | "y". */
type PlaceholdersOf<S extends string> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | PlaceholdersOf<Rest> : never;
export type MessageParams<K extends MessageKey> = Record<PlaceholdersOf<(typeof en)[K]>, string | number>;
/** Keys of messages without placeholders: the ones a table can pick at run time. */
export type PlainMessageKey = { [K in MessageKey]: keyof MessageParams<K> extends never ? K : never }[MessageKey];

/** Every language we ship, as BCP 47 tags; LOCALES picks from these. */
export const CATALOGUES = { en, de, fr, es, "pt-BR": ptBR, ja } satisfies Record<string, Catalogue>;
export type Locale = keyof typeof CATALOGUES;
export const SUPPORTED_LOCALES = Object.keys(CATALOGUES) as Locale[];

/** The supported tag spelled as we spell it ("pt-br" -> "pt-BR"), or null. */
export function toSupportedLocale(tag: string): Locale | null {
  const lower = tag.trim().toLowerCase();
  return SUPPORTED_LOCALES.find((locale) => locale.toLowerCase() === lower) ?? null;
}
