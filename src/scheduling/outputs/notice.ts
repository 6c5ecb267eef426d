/**
 * The notice a cell's members get about their appointment: a short text for SMS/Zalo and a longer one to print
 * (read out at the cell meeting, pinned up at the village hall). Many members are elderly: plain words, full dates.
 */
import { formatDate } from '../../common/dates.ts';
import type { Locale } from '../../platform/i18n/index.ts';
import type { ShiftSpec } from '../domain/types.ts';
import { clean, formatCount, lowerFirst, shiftName, translator, upperFirst, weekdayName } from './format.ts';

export interface NoticeInput {
  cellName: string;
  committeeName: string;
  pointName: string;
  pointAddress: string;
  /** YYYY-MM-DD */
  date: string;
  shift: ShiftSpec;
  /** Members of the cell expected in this shift. */
  members: number;
  /** What to bring, in the notice's language; by default the chip ID card and the old party card. */
  bring?: string[];
}

export interface Notice {
  /** One SMS/Zalo message; at most SMS_MAX_CHARS whenever the names leave room (see `appointmentNotice`). */
  short: string;
  /** A printable notice, lines separated by "\n". */
  long: string;
}

/**
 * Two concatenated SMS in UCS-2 (Vietnamese letters with diacritics are outside GSM-7): 67 UTF-16 units each once a
 * message is split. Counted in UTF-16 units of the NFC text, as phones count.
 */
export const SMS_MAX_CHARS = 134;

export function appointmentNotice(input: NoticeInput, locale: Locale): Notice {
  const t = translator(locale);
  const cell = clean(input.cellName);
  const committee = clean(input.committeeName);
  const point = clean(input.pointName);
  const address = clean(input.pointAddress).replace(/[.;,]+$/, '');
  const bring = (input.bring ?? [t('scheduling.outputs.bring.idCard'), t('scheduling.outputs.bring.oldCard')]).map(clean).filter(Boolean);
  const weekday = weekdayName(input.date, t);
  const date = formatDate(input.date);
  const shift = lowerFirst(shiftName(input.shift.key, t));
  const place = address ? `${point}, ${address}` : point;

  // The short text loses, in this order, what the reader can best do without until it fits in two SMS:
  // the weekday (the date says it), the year (the appointment is days away), the address (the point is known locally).
  const bringSentence = bring.length > 0 ? ` ${t('scheduling.outputs.notice.smsBring', { bring: listOf(bring, locale) })}` : '';
  const sms = (withWeekday: boolean, withYear: boolean, withAddress: boolean) => {
    const day = withYear ? date : date.slice(0, 5); // dd/mm
    const when = withWeekday
      ? t('scheduling.outputs.notice.smsWeekday', { weekday, date: day })
      : t('scheduling.outputs.notice.smsDate', { date: day });
    const text = t('scheduling.outputs.notice.sms', { cell, when, shift, start: input.shift.start, end: input.shift.end, place: withAddress ? place : point });
    return (text + bringSentence).normalize('NFC');
  };
  const candidates = [sms(true, true, true), sms(false, true, true), sms(false, false, true), sms(false, false, false)];
  const short = candidates.find((text) => text.length <= SMS_MAX_CHARS) ?? candidates[candidates.length - 1]!;

  const lines: string[] = [];
  if (committee) lines.push(committee.toLocaleUpperCase(locale));
  lines.push(cell.toLocaleUpperCase(locale), '');
  lines.push(t('scheduling.outputs.notice.title'), t('scheduling.outputs.notice.subject'), '');
  lines.push(t('scheduling.outputs.notice.to', { cell }), '');
  lines.push(t('scheduling.outputs.notice.when', { shift, start: input.shift.start, end: input.shift.end, weekday, date }));
  lines.push(t('scheduling.outputs.notice.where', { place }));
  lines.push(t('scheduling.outputs.notice.members', { members: formatCount(input.members, locale) }), '');
  if (bring.length > 0) lines.push(t('scheduling.outputs.notice.bring'), ...bring.map((item) => `- ${upperFirst(item)}`), '');
  lines.push(t('scheduling.outputs.notice.onTime'), t('scheduling.outputs.notice.homeVisit'));
  return { short, long: lines.join('\n').normalize('NFC') };
}

/** "A và B", "A, B và C"; "A and B" in English. */
function listOf(items: string[], locale: Locale): string {
  return new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' }).format(items);
}
