// Two catalogs with the same keys (test/catalogs.test.js checks it). t(key, params).
// Each language's catalog is its main file merged with its FHIR labels (fhir.*.json, the
// `fhir.` keys of src/fhir.ts); the main file wins on a clash (the test checks there is none).
import en from './locales/en.json';
import zh from './locales/zh-CN.json';
import fhirEn from './locales/fhir.en.json';
import fhirZh from './locales/fhir.zh-CN.json';

export const catalogs: Record<string, Record<string, string>> = { en: { ...fhirEn, ...en }, 'zh-CN': { ...fhirZh, ...zh } };
export const LANGS: [string, string][] = [
  ['en', 'English'],
  ['zh-CN', '中文'],
];

let lang = localStorage.getItem('medchain.lang') || (navigator.language?.startsWith('zh') ? 'zh-CN' : 'en');
if (!catalogs[lang]) lang = 'en';

export function getLang(): string {
  return lang;
}

export function setLang(l: string): void {
  if (!catalogs[l]) return;
  lang = l;
  localStorage.setItem('medchain.lang', l);
  document.documentElement.lang = l;
}

/** The values of a text's {placeholders}. */
export type Params = Record<string, string | number | bigint | boolean | null | undefined>;

/** The text of `key` with its {placeholders} filled in; a missing key gives the key itself,
 * or `fallback` when one is given (null: the caller tells a missing key apart). */
export function t(key: string, params?: Params): string;
export function t(key: string, params: Params, fallback: string): string;
export function t(key: string, params: Params, fallback: null): string | null;
export function t(key: string, params: Params = {}, fallback?: string | null): string | null {
  const s = catalogs[lang][key];
  if (s === undefined) return fallback === undefined ? key : fallback;
  return s.replace(/\{(\w+)\}/g, (_, p: string) => (params[p] === undefined ? `{${p}}` : String(params[p])));
}
