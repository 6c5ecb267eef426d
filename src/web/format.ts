/** How the UI shows and reads dates, card numbers and scanned ID-card text. */
import { formatDate, formatDateTime, parseDate } from '../common/dates.ts';

export { formatDate, formatDateTime };

/** Date of birth as users read it: dd/mm/yyyy, or the year alone when only the year is known. */
export function formatBirth(dateOfBirth: string | null | undefined, birthYear: number | null | undefined): string {
  if (dateOfBirth) return formatDate(dateOfBirth);
  return birthYear ? String(birthYear) : '';
}

export type TypedDate = { kind: 'empty' } | { kind: 'date'; iso: string; year: number } | { kind: 'year'; year: number } | { kind: 'invalid' };

/** A date typed in a form: dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) or a year alone. */
export function parseTypedDate(text: string): TypedDate {
  const parsed = parseDate(text);
  if (parsed.kind === 'invalid') return { kind: 'invalid' };
  return parsed;
}

/** Old party card number, 8 digits, shown as 12.345678. */
export function formatCardNumber(value: string | null | undefined): string {
  if (!value) return '';
  const digits = value.replace(/\D/g, '');
  return digits.length === 8 ? `${digits.slice(0, 2)}.${digits.slice(2)}` : value;
}

/** Reads 12.345678, 12345678 or 12 345678 back to 8 digits; undefined when it is not 8 digits; '' when empty. */
export function parseCardNumber(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return '';
  if (!/^[\d.\s]+$/.test(trimmed)) return undefined;
  const digits = trimmed.replace(/[.\s]/g, '');
  return digits.length === 8 ? digits : undefined;
}

/**
 * What to search for from the search box. A USB scanner reading the chip ID card's QR types
 * "ID|old CMND|name|ddmmyyyy|gender|address|issued": the 12-digit ID is what we search.
 */
export function searchTextOf(input: string): string {
  const trimmed = input.trim();
  if (trimmed.includes('|')) {
    const first = trimmed.split('|')[0]?.trim() ?? '';
    if (/^\d{12}$/.test(first)) return first;
  }
  return trimmed.replace(/\s+/g, ' ');
}

/** Counts with Vietnamese digit grouping (1.234), the same in both languages to match the server's reports. */
export function formatNumber(value: number): string {
  return new Intl.NumberFormat('vi-VN').format(value);
}
