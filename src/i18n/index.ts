/** Languages: the catalogues (messages/), choosing one per request, and formatting in it. */
export { CATALOGUES, type Locale, type PlainMessageKey, SUPPORTED_LOCALES, toSupportedLocale } from "./catalogue";
export { matchLocale, negotiateLocale, parseAcceptLanguage } from "./negotiate";
export { createTranslator, largestWholeUnit, type Translator } from "./translate";
