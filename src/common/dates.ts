/** Calendar dates as users type them, and "today" in Vietnam. */

export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';

export type DateParse =
  | { kind: 'date'; iso: string; year: number }
  | { kind: 'year'; year: number }
  | { kind: 'empty' }
  | { kind: 'invalid'; reason: 'format' | 'not_a_date' };

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function isoDate(year: number, month: number, day: number): string | undefined {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return undefined;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);

/**
 * A date from a spreadsheet cell: a Date (date cell, read as UTC midnight), an Excel serial number,
 * or text d/m/yyyy, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd, or a year alone.
 */
export function parseDate(value: unknown): DateParse {
  if (value === null || value === undefined) return { kind: 'empty' };
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return { kind: 'invalid', reason: 'not_a_date' };
    // Excel date cells carry no zone; exceljs gives UTC midnight, sometimes off by a few ms.
    const rounded = new Date(Math.round(value.getTime() / 60000) * 60000);
    const iso = isoDate(rounded.getUTCFullYear(), rounded.getUTCMonth() + 1, rounded.getUTCDate());
    return iso ? { kind: 'date', iso, year: rounded.getUTCFullYear() } : { kind: 'invalid', reason: 'not_a_date' };
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1000 && value <= 9999) return { kind: 'year', year: value };
    if (value > 0 && value < 2958466) return parseDate(new Date(EXCEL_EPOCH_MS + Math.round(value) * 86400000));
    return { kind: 'invalid', reason: 'format' };
  }
  const text = String(value).trim();
  if (text === '') return { kind: 'empty' };
  let m = /^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})$/.exec(text);
  if (m) return fromParts(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(text);
  if (m) return fromParts(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(?:năm\s*)?(\d{4})$/i.exec(text);
  if (m) return { kind: 'year', year: Number(m[1]) };
  return { kind: 'invalid', reason: 'format' };
}

function fromParts(year: number, month: number, day: number): DateParse {
  const iso = isoDate(year, month, day);
  return iso ? { kind: 'date', iso, year } : { kind: 'invalid', reason: 'not_a_date' };
}

/** Today's date in Vietnam as YYYY-MM-DD, whatever the server's zone. */
export function todayInVietnam(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: VIETNAM_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** YYYY-MM-DD → dd/mm/yyyy, as users read dates. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-');
  return `${d}/${m}/${y}`;
}

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: VIETNAM_TIME_ZONE,
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** A timestamp in Vietnam time as dd/mm/yyyy HH:mm. */
export function formatDateTime(timestamp: string | null | undefined): string {
  if (!timestamp) return '';
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return '';
  const parts = Object.fromEntries(dateTimeFormat.formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}`;
}
