import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signKeyList, verifyKeyList } from './keys.ts';
import type { CardClaims } from './claims.ts';
import { encodeCardQr, verifyCardQr } from './qr.ts';

const root = generateKeyPairSync('ed25519');
const old = generateKeyPairSync('ed25519');
const current = generateKeyPairSync('ed25519');
const spki = (k: ReturnType<typeof generateKeyPairSync>['publicKey']) => k.export({ format: 'der', type: 'spki' });
const claims: CardClaims = { cardNumber: '68.2025.000001', personalId: '068062001001', fullName: 'Nguyễn Văn An', dateOfBirth: '1962-09-05', issuedOn: '2025-12-01', issuer: 'Ban Tổ chức Trung ương', statusIndex: 1 };

describe('the issuer key list', () => {
  const list = signKeyList(
    [
      { kid: 'VN-2025-1', spki: spki(old.publicKey), signsFrom: '2025-11-01', signsUntil: '2026-06-30' },
      { kid: 'VN-2026-1', spki: spki(current.publicKey), signsFrom: '2026-07-01', signsUntil: null },
    ],
    '2026-07-01T00:00:00Z',
    { kid: 'VN-ROOT', privateKey: root.privateKey },
  );

  it('after a rotation still verifies cards signed with the retired key, and new ones with the new key', () => {
    const keys = verifyKeyList(list, root.publicKey);
    if (!keys.ok) throw new Error(keys.problem);
    expect(keys.keys.map((k) => [k.kid, k.signsUntil])).toEqual([['VN-2025-1', '2026-06-30'], ['VN-2026-1', null]]);
    expect(verifyCardQr(encodeCardQr(claims, { kid: 'VN-2025-1', privateKey: old.privateKey }), keys.keyOf)).toMatchObject({ ok: true, kid: 'VN-2025-1' });
    expect(verifyCardQr(encodeCardQr(claims, { kid: 'VN-2026-1', privateKey: current.privateKey }), keys.keyOf)).toMatchObject({ ok: true, kid: 'VN-2026-1' });
    expect(verifyCardQr(encodeCardQr(claims, { kid: 'VN-2027-1', privateKey: current.privateKey }), keys.keyOf)).toMatchObject({ ok: false, problem: 'unknown_key' });
  });

  it('is refused when not signed by the root or tampered with', () => {
    expect(verifyKeyList(list, current.publicKey)).toEqual({ ok: false, problem: 'bad_signature' });
    const tampered = Buffer.from(list);
    tampered[60] = tampered[60]! ^ 1;
    expect(verifyKeyList(tampered, root.publicKey).ok).toBe(false);
  });
});
