import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cardStatus, emptyBits, isRevoked, setRevoked } from './status-bits.ts';
import { signStatusList, verifyStatusList } from './status-list.ts';

const issuer = generateKeyPairSync('ed25519');
const key = { kid: 'VN-STATUS-1', privateKey: issuer.privateKey };
const keyOf = (kid: string) => (kid === key.kid ? issuer.publicKey : undefined);

describe('the status list', () => {
  it('marks exactly the revoked cards, through signing and compression', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(99_999), { maxLength: 200 }), (revoked) => {
        const bits = emptyBits(100_000);
        for (const i of revoked) setRevoked(bits, i);
        const result = verifyStatusList(signStatusList({ issuedAt: '2026-12-01T00:00:00Z', validUntil: '2026-12-02T00:00:00Z', bits }, key), keyOf);
        if (!result.ok) throw new Error(result.problem);
        const set = new Set(revoked);
        for (const i of [...revoked, 0, 1, 99_999, 50_000]) expect(isRevoked(result.list.bits, i)).toBe(set.has(i));
      }),
      { numRuns: 30 },
    );
  });

  it('keeps 100,000 cards small, says revoked or good, and gives nothing past its validity', () => {
    const bits = emptyBits(100_000);
    setRevoked(bits, 4711);
    const signed = signStatusList({ issuedAt: '2026-12-01T00:00:00Z', validUntil: '2026-12-02T00:00:00Z', bits }, key);
    expect(signed.length).toBeLessThan(1_000);
    const result = verifyStatusList(signed, keyOf);
    if (!result.ok) throw new Error(result.problem);
    expect(cardStatus(result.list, 4711, new Date('2026-12-01T06:00:00Z'))).toEqual({ status: 'revoked', listAgeHours: 6 });
    expect(cardStatus(result.list, 4712, new Date('2026-12-01T06:00:00Z'))).toEqual({ status: 'good', listAgeHours: 6 });
    expect(cardStatus(result.list, 4712, new Date('2026-12-03T00:00:00Z'))).toEqual({ status: 'list_expired', listAgeHours: 48 });
  });

  it('refuses a tampered list and one signed by a key it does not know', () => {
    const signed = signStatusList({ issuedAt: '2026-12-01T00:00:00Z', validUntil: '2026-12-02T00:00:00Z', bits: emptyBits(64) }, key);
    const tampered = Buffer.from(signed);
    tampered[tampered.length - 70] = tampered[tampered.length - 70]! ^ 1;
    expect(verifyStatusList(tampered, keyOf).ok).toBe(false);
    expect(verifyStatusList(signStatusList({ issuedAt: 'x', validUntil: 'y', bits: emptyBits(8) }, key), keyOf)).toMatchObject({ ok: false, problem: 'bad_list' });
    expect(verifyStatusList(signed, () => undefined)).toMatchObject({ ok: false, problem: 'unknown_key' });
  });
});
