import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signChipRecord, verifyChipRecord, type ChipRecord } from './chip.ts';
import { cbor, signCose } from './cose.ts';

const issuer = generateKeyPairSync('ed25519');
const keyOf = (kid: string) => (kid === 'VN-2026-1' ? issuer.publicKey : undefined);
const key = { kid: 'VN-2026-1', privateKey: issuer.privateKey };
const record: ChipRecord = {
  cardNumber: '68.2026.000123', personalId: '068062001001', fullName: 'Nguyễn Văn An', dateOfBirth: '1962-09-05', issuedOn: '2026-12-01',
  issuer: 'Ban Tổ chức Trung ương', statusIndex: 12, gender: 'male', joinedOn: '1990-03-12', officialOn: '1991-03-12',
  organisation: 'Chi bộ thôn Một', previousCardNumber: '68000001', photo: randomBytes(12_000),
};

describe('the chip record', () => {
  it('carries the member, the card and the photo, and verifies offline', () => {
    const result = verifyChipRecord(signChipRecord(record, key), keyOf);
    expect(result).toEqual({ ok: true, kid: 'VN-2026-1', record: { ...record, photo: Buffer.from(record.photo) } });
  });

  it('refuses a changed photo byte, a truncated record, and a signed payload that is not a chip record', () => {
    const signed = signChipRecord(record, key);
    const photoByte = Buffer.from(signed);
    photoByte[photoByte.length - 5_000] = photoByte[photoByte.length - 5_000]! ^ 1;
    expect(verifyChipRecord(photoByte, keyOf)).toMatchObject({ ok: false, problem: 'bad_signature' });
    expect(verifyChipRecord(signed.subarray(0, 100), keyOf)).toMatchObject({ ok: false, problem: 'truncated' });
    expect(verifyChipRecord(signCose(cbor.encode(new Map([[1, 'x']])), key), keyOf)).toMatchObject({ ok: false, problem: 'bad_record' });
  });
});
