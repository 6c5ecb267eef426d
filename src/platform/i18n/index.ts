import { en } from './en.ts';
import { vi } from './vi.ts';

export type Locale = 'vi' | 'en';
export type Catalogue = Record<string, string>;

const catalogues: Record<Locale, Catalogue> = { vi, en };

/** Message for a code, with {param} placeholders filled; Vietnamese first, English second. */
export function translate(code: string, params: Record<string, string | number> = {}, locale: Locale = 'vi'): string {
  const template = catalogues[locale][code] ?? catalogues.vi[code] ?? code;
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = params[key];
    if (value === undefined) return whole;
    return typeof value === 'string' && catalogues[locale][value] ? catalogues[locale][value]! : String(value);
  });
}

export function pickLocale(acceptLanguage: string | undefined, explicit?: string): Locale {
  if (explicit === 'en' || explicit === 'vi') return explicit;
  return acceptLanguage?.toLowerCase().startsWith('en') ? 'en' : 'vi';
}
