/** Languages: the catalogues (messages/), choosing one per request, and formatting in it. */
export {
  CATALOGUES,
  type Catalogue,
  type Locale,
  type MessageKey,
  type MessageParams,
  type PlainMessageKey,
  SUPPORTED_LOCALES,
  toSupportedLocale,
} from "./catalogue";
export { type LocaleSettings, matchLocale, type NegotiatedLocale, negotiateLocale, parseAcceptLanguage } from "./negotiate";
export { createTranslator, largestWholeUnit, type Translator } from "./translate";
