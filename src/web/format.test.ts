import { describe, expect, it } from 'vitest';
import { formatBirth, formatCardNumber, formatDateTime, parseCardNumber, parseTypedDate, searchTextOf } from './format.ts';

describe('web formats', () => {
  it('shows dates dd/mm/yyyy and a year alone when only the year is known', () => {
    expect(formatBirth('1950-03-07', 1950)).toBe('07/03/1950');
    expect(formatBirth(null, 1948)).toBe('1948');
    expect(formatBirth(null, null)).toBe('');
  });

  it('reads typed dates day first', () => {
    expect(parseTypedDate('07/03/1950')).toEqual({ kind: 'date', iso: '1950-03-07', year: 1950 });
    expect(parseTypedDate('7/3/1950')).toEqual({ kind: 'date', iso: '1950-03-07', year: 1950 });
    expect(parseTypedDate('1950')).toEqual({ kind: 'year', year: 1950 });
    expect(parseTypedDate('')).toEqual({ kind: 'empty' });
    expect(parseTypedDate('31/02/1950')).toEqual({ kind: 'invalid' });
    expect(parseTypedDate('03-1950')).toEqual({ kind: 'invalid' });
  });

  it('shows the old card number as 12.345678 and reads it back', () => {
    expect(formatCardNumber('12345678')).toBe('12.345678');
    expect(parseCardNumber('12.345678')).toBe('12345678');
    expect(parseCardNumber('12345678')).toBe('12345678');
    expect(parseCardNumber('')).toBe('');
    expect(parseCardNumber('1234567')).toBeUndefined();
    expect(parseCardNumber('12a45678')).toBeUndefined();
  });

  it('shows timestamps in Vietnam time', () => {
    expect(formatDateTime('2025-08-14T18:30:00Z')).toBe('15/08/2025 01:30');
  });

  it('takes the ID number from a scanned ID-card QR text', () => {
    expect(searchTextOf('001092012345|012345678|Nguyễn Văn An|07031950|Nam|Hà Nội|01012021')).toBe('001092012345');
    expect(searchTextOf('  nguyen   van an ')).toBe('nguyen van an');
  });
});
