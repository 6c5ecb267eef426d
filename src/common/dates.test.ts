import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDate, isoDate, parseDate, todayInVietnam } from './dates.ts';

describe('parseDate', () => {
  it('reads the forms users type', () => {
    expect(parseDate('5/9/1962')).toEqual({ kind: 'date', iso: '1962-09-05', year: 1962 });
    expect(parseDate('05/09/1962')).toEqual({ kind: 'date', iso: '1962-09-05', year: 1962 });
    expect(parseDate('05-09-1962')).toEqual({ kind: 'date', iso: '1962-09-05', year: 1962 });
    expect(parseDate('05.09.1962')).toEqual({ kind: 'date', iso: '1962-09-05', year: 1962 });
    expect(parseDate('1962-09-05')).toEqual({ kind: 'date', iso: '1962-09-05', year: 1962 });
    expect(parseDate(new Date(Date.UTC(1962, 8, 5)))).toEqual({ kind: 'date', iso: '1962-09-05', year: 1962 });
    expect(parseDate('1962')).toEqual({ kind: 'year', year: 1962 });
    expect(parseDate(1962)).toEqual({ kind: 'year', year: 1962 });
    expect(parseDate('')).toEqual({ kind: 'empty' });
    expect(parseDate(null)).toEqual({ kind: 'empty' });
  });
  it('rejects impossible dates and other text', () => {
    expect(parseDate('31/02/1962')).toEqual({ kind: 'invalid', reason: 'not_a_date' });
    expect(parseDate('29/02/1963')).toEqual({ kind: 'invalid', reason: 'not_a_date' });
    expect(parseDate('29/02/1964')).toMatchObject({ kind: 'date', iso: '1964-02-29' });
    expect(parseDate('ngày 5 tháng 9')).toEqual({ kind: 'invalid', reason: 'format' });
  });
  it('round-trips every real date through dd/mm/yyyy', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString().slice(0, 10);
        expect(parseDate(formatDate(iso))).toMatchObject({ kind: 'date', iso });
      }),
    );
  });
});

describe('todayInVietnam', () => {
  it('uses UTC+7 whatever the server zone', () => {
    expect(todayInVietnam(new Date('2025-08-10T17:30:00Z'))).toBe('2025-08-11');
    expect(todayInVietnam(new Date('2025-08-10T16:59:00Z'))).toBe('2025-08-10');
  });
});

describe('isoDate', () => {
  it('refuses out-of-range parts', () => {
    expect(isoDate(2025, 13, 1)).toBeUndefined();
    expect(isoDate(2025, 4, 31)).toBeUndefined();
    expect(isoDate(2025, 4, 30)).toBe('2025-04-30');
  });
});
