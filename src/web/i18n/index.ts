/** Every UI string lives in vi.json (default) and en.json. The chosen language is kept in localStorage,
 * sent to the server as the doithe_lang cookie and Accept-Language, and set on <html lang>. */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { setApiLanguage } from '../api.ts';
import en from './en.json' with { type: 'json' };
import vi from './vi.json' with { type: 'json' };

export type Language = 'vi' | 'en';
export const LANGUAGES: readonly Language[] = ['vi', 'en'];
const STORAGE_KEY = 'doithe_lang';

function storedLanguage(): Language {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    if (value === 'en' || value === 'vi') return value;
  } catch {
    // storage may be blocked; Vietnamese is the default
  }
  return 'vi';
}

function applyLanguage(lang: Language): void {
  setApiLanguage(lang);
  document.documentElement.lang = lang;
  document.cookie = `${STORAGE_KEY}=${lang}; path=/; max-age=31536000; SameSite=Lax`;
  document.title = i18next.t('app.name');
}

export const i18n = i18next;

export function initI18n(): void {
  const lang = storedLanguage();
  void i18next.use(initReactI18next).init({
    resources: { vi: { translation: vi }, en: { translation: en } },
    lng: lang,
    fallbackLng: 'vi',
    supportedLngs: ['vi', 'en'],
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  applyLanguage(lang);
}

export async function changeLanguage(lang: Language): Promise<void> {
  try {
    window.localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // the cookie still carries the choice
  }
  await i18next.changeLanguage(lang);
  applyLanguage(lang);
}

export function currentLanguage(): Language {
  return i18next.language === 'en' ? 'en' : 'vi';
}
