import { generateKeyPairSync } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase45 } from './base45.ts';
import { cbor, signCose } from './cose.ts';
import { QR_PREFIX, type CardClaims } from './claims.ts';
import { encodeCardQr, verifyCardQr } from './qr.ts';

const issuer = generateKeyPairSync('ed25519');
const rotated = generateKeyPairSync('ed25519');
const keyring = new Map([['VN-2026-1', issuer.publicKey], ['VN-2025-1', rotated.publicKey]]);
const keyOf = (kid: string) => keyring.get(kid);
const claims: CardClaims = {
  cardNumber: '68.2026.000123',
  personalId: '068062001001',
  fullName: 'Nguyễn Thị Thuỷ',
  dateOfBirth: '1962-09-05',
  issuedOn: '2026-12-01',
  issuer: 'Ban Tổ chức Trung ương',
  statusIndex: 4711,
};

describe('the card QR', () => {
  it('carries the claims, Vietnamese names exactly, in the QR alphabet, and verifies offline with the issuer keys', () => {
    const text = encodeCardQr(claims, { kid: 'VN-2026-1', privateKey: issuer.privateKey });
    expect(text.startsWith(QR_PREFIX)).toBe(true);
    expect(text).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
    expect(verifyCardQr(text, keyOf)).toEqual({ ok: true, kid: 'VN-2026-1', claims });
    // A card signed with an older key still verifies while that key is in the list.
    expect(verifyCardQr(encodeCardQr(claims, { kid: 'VN-2025-1', privateKey: rotated.privateKey }), keyOf)).toMatchObject({ ok: true, kid: 'VN-2025-1' });
  });

  it('refuses a tampered QR, whatever character changed', () => {
    const text = encodeCardQr(claims, { kid: 'VN-2026-1', privateKey: issuer.privateKey });
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
    fc.assert(
      fc.property(fc.integer({ min: QR_PREFIX.length, max: text.length - 1 }), fc.constantFrom(...alphabet), (at, c) => {
        fc.pre(text[at] !== c);
        expect(verifyCardQr(text.slice(0, at) + c + text.slice(at + 1), keyOf).ok).toBe(false);
      }),
    );
  });

  it('says what is wrong with bad input, never valid and never a crash', () => {
    const sign = (payload: Uint8Array, kid = 'VN-2026-1') => QR_PREFIX + encodeBase45(deflateSync(signCose(payload, { kid, privateKey: issuer.privateKey })));
    expect(verifyCardQr('HC1:ABC', keyOf)).toMatchObject({ problem: 'wrong_prefix' });
    expect(verifyCardQr(`${QR_PREFIX}abc`, keyOf)).toMatchObject({ problem: 'not_base45' });
    expect(verifyCardQr(`${QR_PREFIX}${encodeBase45(Buffer.from('not deflated'))}`, keyOf)).toMatchObject({ problem: 'corrupt' });
    const whole = deflateSync(signCose(cbor.encode(new Map([[1, 'x']])), { kid: 'VN-2026-1', privateKey: issuer.privateKey }));
    const truncated = deflateSync(Buffer.from(signCose(Buffer.from('y'), { kid: 'VN-2026-1', privateKey: issuer.privateKey })).subarray(0, 20));
    expect(verifyCardQr(QR_PREFIX + encodeBase45(truncated), keyOf)).toMatchObject({ problem: 'truncated' });
    expect(verifyCardQr(QR_PREFIX + encodeBase45(whole), keyOf)).toMatchObject({ problem: 'bad_claims' });
    expect(verifyCardQr(sign(cbor.encode(new Map([[1, 'x']])), 'XX-9'), keyOf)).toMatchObject({ problem: 'unknown_key', kid: 'XX-9' });
    expect(verifyCardQr(QR_PREFIX + 'A'.repeat(5000), keyOf)).toMatchObject({ problem: 'too_long' });
  });
});
