import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addYears, ageOn, anniversary, civilFromDays, daysFromCivil, daysFromIso, isoFromDays } from './days.ts';

describe('day numbers', () => {
  it('agree with Date for any day between 1800 and 2200', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_000, max: 84_000 }), (days) => {
        const iso = new Date(days * 86_400_000).toISOString().slice(0, 10);
        expect(isoFromDays(days)).toBe(iso);
        expect(daysFromIso(iso)).toBe(days);
        const [y, m, d] = civilFromDays(days);
        expect(daysFromCivil(y, m, d)).toBe(days);
      }),
    );
  });

  it('rejects text that is not a calendar date', () => {
    expect(() => daysFromIso('2025-02-29')).toThrow(RangeError);
    expect(() => daysFromIso('10/08/2025')).toThrow(RangeError);
  });

  it('handles 29 February', () => {
    const leapDay = daysFromIso('2024-02-29');
    expect(isoFromDays(addYears(leapDay, 1))).toBe('2025-02-28');
    expect(isoFromDays(anniversary(leapDay, 1))).toBe('2025-03-01');
    expect(ageOn(leapDay, daysFromIso('2025-02-28'))).toBe(0);
    expect(ageOn(leapDay, daysFromIso('2025-03-01'))).toBe(1);
  });

  it('turns someone n years old on their anniversary, not the day before', () => {
    fc.assert(
      fc.property(fc.integer({ min: -40_000, max: 20_000 }), fc.integer({ min: 1, max: 100 }), (birth, years) => {
        const day = anniversary(birth, years);
        expect(ageOn(birth, day)).toBe(years);
        expect(ageOn(birth, day - 1)).toBe(years - 1);
      }),
    );
  });
});
