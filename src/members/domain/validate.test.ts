import { describe, expect, it } from 'vitest';
import { parsePartyCard, parsePhone, validateMember } from './validate.ts';

const ctx = { today: '2025-08-10' };
const good = {
  personalId: '040062001234',
  fullName: 'NGUYỄN VĂN AN',
  dateOfBirth: '05/09/1962',
  gender: 'Nam',
  admittedOn: '12/03/1990',
  officialOn: '12/03/1991',
  partyCardNumber: '40.123456',
};

const codes = (values: Record<string, unknown>) => validateMember(values, ctx).errors.map((e) => `${e.field}:${e.code}`);

describe('validateMember', () => {
  it('accepts a clean row and derives eligibility fields', () => {
    const { draft, errors } = validateMember(good, ctx);
    expect(errors).toEqual([]);
    expect(draft).toMatchObject({
      personalId: '040062001234',
      fullName: 'Nguyễn Văn An',
      dateOfBirth: '1962-09-05',
      gender: 'male',
      admittedOn: '1990-03-12',
      officialOn: '1991-03-12',
      partyCardNumber: '40123456',
      status: 'official',
    });
  });

  it('reports every problem of a row with its field', () => {
    expect(codes({ ...good, personalId: '040162001234', dateOfBirth: '31/02/1962', officialOn: '01/01/1989', partyCardNumber: '123' })).toEqual([
      'dateOfBirth:date.not_a_date',
      'personalId:personal_id.gender_mismatch',
      'officialOn:date.official_before_admitted',
      'partyCardNumber:party_card.shape',
    ]);
  });

  it('refuses future dates, admission before 18 and formulas', () => {
    expect(codes({ ...good, admittedOn: '01/01/2030', officialOn: '' })).toEqual(['admittedOn:date.future']);
    expect(codes({ ...good, admittedOn: '01/01/1975', officialOn: '' })).toEqual(['admittedOn:date.too_young']);
    expect(validateMember(good, { ...ctx, formulas: ['fullName'] }).errors).toEqual([{ field: 'fullName', code: 'row.formula' }]);
  });

  it('takes gender from the ID when the cell is empty and marks probationary members', () => {
    const { draft } = validateMember({ ...good, gender: '', officialOn: '', partyCardNumber: '', status: 'Dự bị' }, ctx);
    expect(draft).toMatchObject({ gender: 'male', status: 'probationary', partyCardNumber: null });
  });

  it('keeps SQL and HTML in names as plain text', () => {
    const { draft } = validateMember({ ...good, fullName: "<script>alert(1)</script>'; DROP TABLE members;--" }, ctx);
    expect(draft?.fullName).toBe("<script>alert(1)</script>'; Drop Table Members;--");
  });
});

describe('parsePartyCard / parsePhone', () => {
  it('normalises the forms found in lists', () => {
    expect(parsePartyCard('12.345678')).toBe('12345678');
    expect(parsePartyCard(2345678)).toBe('02345678');
    expect(parsePartyCard('12.3456')).toBe('invalid');
    expect(parsePartyCard('')).toBeNull();
    expect(parsePhone('+84 912 345 678')).toBe('0912345678');
    expect(parsePhone(912345678)).toBe('0912345678');
    expect(parsePhone('12')).toBe('invalid');
  });
});
