import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OLD_PROVINCES } from '../../reference/provinces.ts';
import { centuryGenderDigit, checkPersonalIdAgainst, composePersonalId, decodePersonalId, parsePersonalId } from './personal-id.ts';

const idParts = fc.record({
  province: fc.constantFrom(...OLD_PROVINCES.map((p) => p.code)),
  year: fc.integer({ min: 1900, max: 2099 }),
  gender: fc.constantFrom('male' as const, 'female' as const),
  serial: fc.integer({ min: 0, max: 999_999 }),
});

describe('personal ID', () => {
  it('composes IDs that parse and agree with their birth year and gender', () => {
    fc.assert(
      fc.property(idParts, ({ province, year, gender, serial }) => {
        const id = composePersonalId(province, year, gender, serial);
        expect(parsePersonalId(id)).toEqual({ ok: true, value: id });
        expect(checkPersonalIdAgainst(id, year, gender)).toEqual([]);
        expect(decodePersonalId(id).gender).toBe(gender);
      }),
    );
  });

  it('detects a wrong gender, century or year', () => {
    fc.assert(
      fc.property(idParts, fc.integer({ min: 1, max: 99 }), ({ province, year, gender, serial }, shift) => {
        const id = composePersonalId(province, year, gender, serial);
        expect(checkPersonalIdAgainst(id, year, gender === 'male' ? 'female' : 'male')).toContain('personal_id.gender_mismatch');
        const other = year + shift <= 2099 ? year + shift : year - shift;
        expect(checkPersonalIdAgainst(id, other, gender).length).toBeGreaterThan(0);
      }),
    );
  });

  it('restores leading zeros lost in Excel and strips spaces', () => {
    expect(parsePersonalId(1062001234)).toEqual({ ok: true, value: '001062001234' });
    expect(parsePersonalId(40062001234)).toEqual({ ok: true, value: '040062001234' });
    expect(parsePersonalId('040 062 001 234')).toEqual({ ok: true, value: '040062001234' });
    expect(parsePersonalId("'040062001234")).toEqual({ ok: true, value: '040062001234' });
  });

  it('refuses old CMND numbers, wrong shapes and unknown province codes', () => {
    expect(parsePersonalId('186123456')).toEqual({ ok: false, problem: 'personal_id.old_cmnd' });
    expect(parsePersonalId('04006200123X')).toEqual({ ok: false, problem: 'personal_id.shape' });
    expect(parsePersonalId('0400620012345')).toEqual({ ok: false, problem: 'personal_id.shape' });
    expect(parsePersonalId('003062001234')).toEqual({ ok: false, problem: 'personal_id.province' });
    expect(parsePersonalId('')).toEqual({ ok: false, problem: 'personal_id.missing' });
  });

  it('encodes century and gender in digit 4', () => {
    expect(centuryGenderDigit(1962, 'male')).toBe(0);
    expect(centuryGenderDigit(1962, 'female')).toBe(1);
    expect(centuryGenderDigit(2003, 'male')).toBe(2);
    expect(centuryGenderDigit(2003, 'female')).toBe(3);
  });
});
