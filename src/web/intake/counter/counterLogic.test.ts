import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CounterMember } from './api.ts';
import { admit, buildSubmission, correction, crossCheckState, interpretScan, missingSteps, searchByName } from './counterLogic.ts';

const BAC: CounterMember = {
  id: '7',
  personalId: '068058001004',
  fullName: 'Phạm Văn Bắc',
  dateOfBirth: '1958-10-10',
  birthYear: 1958,
  gender: 'male',
  hometown: 'Xã Thử Một',
  permanentAddress: 'Phường Thử Hai',
  status: 'official',
  eligible: true,
  organisationId: '3',
  organisationName: 'Chi bộ tổ dân phố Hai',
  needsHomeVisit: false,
  reconciliation: { status: 'matched', open: false, differences: [], decision: null, checkedAt: '2026-11-20T01:00:00.000Z' },
  taken: false,
};
const QR = '068058001004||Phạm Văn Bắc|10101958|Nam|Phường Thử Hai, Lâm Đồng|01012022';
const cardOf = (text: string) => {
  const scan = interpretScan(text);
  if (scan?.kind !== 'card') throw new Error(`not a card: ${text}`);
  return scan.card;
};

describe('what a scan means', () => {
  it('reads the card’s QR text as a scanner types it (with its trailing Enter), a typed ID, or a name', () => {
    expect(interpretScan(`${QR}\r\n`)).toMatchObject({ kind: 'card', card: { personalId: '068058001004', fullName: 'Phạm Văn Bắc', dateOfBirth: '1958-10-10', gender: 'male' } });
    expect(interpretScan(' 068 058 001 004 ')).toEqual({ kind: 'id', personalId: '068058001004' });
    expect(interpretScan('pham  Bac')).toEqual({ kind: 'name', words: ['pham', 'bac'] });
    expect(interpretScan('   ')).toBeNull();
  });

  it('says what is wrong with a broken QR text or a short ID', () => {
    expect(interpretScan('068058001004|Phạm Văn Bắc')).toMatchObject({ kind: 'invalid', code: 'qr.format' });
    expect(interpretScan('068058001')).toMatchObject({ kind: 'invalid', code: 'counter.personal_id' });
  });

  it('finds names by whole words, accents ignored, the last word possibly unfinished', () => {
    const members = [BAC, { ...BAC, id: '8', fullName: 'Phạm Thị Bạch' }, { ...BAC, id: '9', fullName: 'Nguyễn Văn Bắc' }];
    expect(searchByName(members, ['bac', 'pham']).map((m) => m.id)).toEqual(['7']);
    expect(searchByName(members, ['pham', 'ba']).map((m) => m.id)).toEqual(['7', '8']);
    expect(searchByName(members, ['ham'])).toEqual([]);
  });
});

describe('who may be taken', () => {
  it('refuses a member not eligible, a card of another person, one already taken, one waiting in the outbox — in that order', () => {
    const card = cardOf(QR);
    expect(admit(BAC, card, new Set()).refusal).toBeNull();
    expect(admit({ ...BAC, eligible: false, status: 'probationary' }, card, new Set()).refusal).toEqual({ code: 'counter.not_eligible', status: 'probationary' });
    expect(admit({ ...BAC, personalId: '068058001009' }, card, new Set()).refusal).toEqual({ code: 'dossier.qr_mismatch' });
    expect(admit({ ...BAC, taken: true }, card, new Set()).refusal).toEqual({ code: 'counter.taken' });
    expect(admit(BAC, null, new Set(['7'])).refusal).toEqual({ code: 'counter.in_outbox' });
  });

  it('clears the cross-check only when register and card agree; an open mismatch blocks whatever else holds', () => {
    const card = cardOf(QR);
    expect(crossCheckState(BAC, admit(BAC, card, new Set()).cardDifferences)).toBe('clear');
    const renamed = { ...BAC, fullName: 'Phạm Văn Bắt' };
    expect(crossCheckState(renamed, admit(renamed, card, new Set()).cardDifferences)).toBe('review');
    expect(crossCheckState({ ...BAC, reconciliation: null }, [])).toBe('review');
    fc.assert(
      fc.property(fc.constantFrom('matched', 'mismatched', 'not_found', 'awaiting') as fc.Arbitrary<'matched'>, (status) => {
        expect(crossCheckState({ ...BAC, reconciliation: { ...BAC.reconciliation!, status, open: true } }, [])).toBe('blocked');
        expect(missingSteps({ photo: 'a', cross_check: 'b', signature: 'c' }, 'blocked')).toEqual(['cross_check']);
      }),
    );
  });
});

describe('corrections and the submission', () => {
  it('records a changed field with its old value, nothing when the text is the same up to spacing, and refuses empty or overlong values', () => {
    expect(correction(BAC, 'hometown', '  Xã   Thử Một ', 't')).toEqual({ ok: true, correction: null });
    expect(correction(BAC, 'hometown', 'Xã Thử Ba', 't')).toEqual({ ok: true, correction: { field: 'hometown', old: 'Xã Thử Một', new: 'Xã Thử Ba', at: 't' } });
    expect(correction(BAC, 'hometown', '   ', 't')).toEqual({ ok: false, code: 'counter.field_required' });
    expect(correction(BAC, 'permanentAddress', 'x'.repeat(501), 't')).toEqual({ ok: false, code: 'counter.field_too_long' });
  });

  it('carries the steps done, the last correction of each field, the station and the device’s clock', () => {
    const submission = buildSubmission({
      id: 'k',
      member: BAC,
      station: { kind: 'team', id: '4' },
      steps: { declaration: 'd', photo: 'p', cross_check: 'c', signature: 's' },
      corrections: [
        { field: 'hometown', old: 'Xã Thử Một', new: 'Xã A', at: '1' },
        { field: 'hometown', old: 'Xã Thử Một', new: 'Xã B', at: '2' },
      ],
      qrText: null,
      deviceId: 'd',
      at: 'now',
    });
    expect(submission).toEqual({
      id: 'k',
      memberId: '7',
      mobileTeamId: '4',
      data: { fullName: 'Phạm Văn Bắc', personalId: '068058001004', hometown: 'Xã B', permanentAddress: 'Phường Thử Hai' },
      steps: { declaration: { at: 'd' }, photo: { at: 'p' }, cross_check: { at: 'c' }, signature: { at: 's' } },
      corrections: [
        { field: 'hometown', old: 'Xã Thử Một', new: 'Xã A', at: '1' },
        { field: 'hometown', old: 'Xã Thử Một', new: 'Xã B', at: '2' },
      ],
      deviceId: 'd',
      deviceSubmittedAt: 'now',
    });
  });
});
