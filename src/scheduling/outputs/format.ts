/** Wording shared by the campaign's outputs: weekdays, shift names, counts, all from the server catalogues. */
import { isoDate } from '../../common/dates.ts';
import { translate, type Locale } from '../../platform/i18n/index.ts';
import type { ShiftKey, ShiftSpec } from '../domain/types.ts';

export type Translate = (key: string, params?: Record<string, string | number>) => string;

export function translator(locale: Locale): Translate {
  return (key, params = {}) => translate(key, params, locale);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day of the week of a calendar date, 0 = Sunday … 6 = Saturday (the same numbering as `PointSettings.openWeekdays`). */
export function weekdayOf(iso: string): number {
  const m = ISO_DATE.exec(iso);
  const [year, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  if (!m || isoDate(year, month, day) !== iso) throw new RangeError(`not a calendar date (YYYY-MM-DD): ${iso}`);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** "Thứ Bảy", "Chủ nhật"; "Saturday" in English. */
export function weekdayName(iso: string, t: Translate): string {
  return t(`scheduling.outputs.weekday.${weekdayOf(iso)}`);
}

/** "Ca sáng"; "Morning shift" in English. */
export function shiftName(key: ShiftKey, t: Translate): string {
  return t(`scheduling.outputs.shift.${key}`);
}

/** "07:30–11:30" (en dash). */
export function shiftHours(shift: ShiftSpec): string {
  return `${shift.start}–${shift.end}`;
}

/** "1.200" in Vietnamese, "1,200" in English. */
export function formatCount(n: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-GB').format(n);
}

/** Text as it is shown: NFC, trimmed, single spaces. */
export function clean(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

export const lowerFirst = (text: string): string => text.charAt(0).toLocaleLowerCase() + text.slice(1);
export const upperFirst = (text: string): string => text.charAt(0).toLocaleUpperCase() + text.slice(1);
