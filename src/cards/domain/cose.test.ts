import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cbor, kidOfCoseStart, signCose, verifyCose } from './cose.ts';

const issuer = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const key = { kid: 'VN-2026-1', privateKey: issuer.privateKey };
const keys = (kid: string) => (kid === 'VN-2026-1' ? issuer.publicKey : undefined);

describe('COSE_Sign1 with Ed25519', () => {
  it('verifies what it signs, with the issuer key found by its id', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (payload) => {
        const result = verifyCose(signCose(payload, key), keys);
        expect(result).toEqual({ ok: true, kid: 'VN-2026-1', payload: Buffer.from(payload) });
      }),
      { numRuns: 50 },
    );
  });

  it('refuses any changed byte: never valid', () => {
    const signed = signCose(cbor.encode(new Map([[1, 'AB12345678']])), key);
    fc.assert(
      fc.property(fc.nat(signed.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const tampered = Buffer.from(signed);
        tampered[at] = tampered[at]! ^ flip;
        expect(verifyCose(tampered, keys).ok).toBe(false);
      }),
    );
  });

  it('says why: truncated, not COSE, unknown key, another key’s signature', () => {
    const signed = signCose(Buffer.from('payload'), key);
    expect(verifyCose(signed.subarray(0, signed.length - 10), keys)).toMatchObject({ ok: false, problem: 'truncated' });
    expect(verifyCose(cbor.encode([1, 2, 3]), keys)).toMatchObject({ ok: false, problem: 'not_cose' });
    expect(verifyCose(signCose(Buffer.from('x'), { kid: 'XX-1', privateKey: issuer.privateKey }), keys)).toMatchObject({ ok: false, problem: 'unknown_key', kid: 'XX-1' });
    expect(verifyCose(signCose(Buffer.from('x'), { kid: 'VN-2026-1', privateKey: other.privateKey }), keys)).toMatchObject({ ok: false, problem: 'bad_signature' });
  });

  it('names the signer from the first bytes alone, and nothing for bytes that do not start as COSE_Sign1', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ minLength: 1, maxLength: 300 }), (payload, junk) => {
        const signed = signCose(payload, key);
        expect(kidOfCoseStart(signed.subarray(0, 64))).toBe('VN-2026-1');
        if (junk[0] !== 0xd2 && junk[0] !== 0x84) expect(kidOfCoseStart(junk)).toBeUndefined();
        // A COSE_Sign1 start whose header claims more bytes than follow, and a signed record cut before its protected header ends: no signer.
        expect(kidOfCoseStart(Buffer.concat([Buffer.from([0xd2, 0x84, 0x59, 0xff, 0xff]), junk]))).toBeUndefined();
        const headerEnd = signed.indexOf('VN-2026-1') + 'VN-2026-1'.length;
        for (const cut of [3, 5, headerEnd - 1]) expect(kidOfCoseStart(signed.subarray(0, cut))).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});
