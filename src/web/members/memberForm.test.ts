import { describe, expect, it } from 'vitest';
import type { MemberDetail } from '../api.ts';
import { buildPatch, formFieldOf, toFormValues, validateMemberForm } from './memberForm.ts';

const member: MemberDetail = {
  id: '7',
  personalId: '001092012345',
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1992-03-07',
  birthYear: 1992,
  gender: 'male',
  hometown: 'Hà Nội',
  permanentAddress: null,
  temporaryAddress: null,
  ethnicity: 'Kinh',
  admittedOn: '2015-05-19',
  officialOn: '2016-05-19',
  partyCardNumber: '12345678',
  recordNumber: '123456HN',
  status: 'official',
  eligible: true,
  organisationId: '3',
  organisationName: 'Chi bộ 1',
  phone: null,
  needsHomeVisit: false,
  version: 4,
  updatedAt: '2025-08-14T10:00:00Z',
};

describe('member form', () => {
  it('shows dates dd/mm/yyyy and the card number with its dot', () => {
    const values = toFormValues(member);
    expect(values.dateOfBirth).toBe('07/03/1992');
    expect(values.admittedOn).toBe('19/05/2015');
    expect(values.partyCardNumber).toBe('12.345678');
  });

  it('sends only what changed, with the version', () => {
    const initial = toFormValues(member);
    expect(buildPatch(initial, initial, 4)).toBeNull();
    const patch = buildPatch(initial, { ...initial, dateOfBirth: '8/3/1992', partyCardNumber: '12345678', phone: ' 0912 345 678 ' }, 4);
    expect(patch).toEqual({ version: 4, dateOfBirth: '1992-03-08', birthYear: 1992, phone: '0912 345 678' });
    expect(buildPatch(initial, { ...initial, dateOfBirth: '1950' }, 4)).toEqual({ version: 4, dateOfBirth: null, birthYear: 1950 });
    expect(buildPatch(initial, { ...initial, hometown: '' }, 4)).toEqual({ version: 4, hometown: null });
  });

  it('catches values that cannot be sent as typed', () => {
    const initial = toFormValues(member);
    expect(validateMemberForm(initial)).toEqual({});
    expect(validateMemberForm({ ...initial, admittedOn: '2015', partyCardNumber: '123', personalId: '1092012345' })).toEqual({
      admittedOn: 'member.errors.date',
      partyCardNumber: 'member.errors.cardNumber',
      personalId: 'member.errors.personalId',
    });
  });

  it('puts birth year issues under the date of birth', () => {
    expect(formFieldOf('birthYear')).toBe('dateOfBirth');
    expect(formFieldOf('organisationId')).toBeUndefined();
  });
});
