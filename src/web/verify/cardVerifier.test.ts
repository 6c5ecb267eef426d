import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signChipRecord } from '../../cards/domain/chip.ts';
import { signKeyList } from '../../cards/domain/keys.ts';
import { encodeCardQr } from '../../cards/domain/qr.ts';
import { emptyBits, setRevoked } from '../../cards/domain/status-bits.ts';
import { signStatusList } from '../../cards/domain/status-list.ts';
import { verifyCard } from '../../cards/verify.ts';
import { verifyCardInBrowser } from './cardVerifier.ts';

// The browser verifier (WebCrypto, DecompressionStream: both in Node too) must agree with the CLI's on every input.
const root = generateKeyPairSync('ed25519');
const issuer = generateKeyPairSync('ed25519');
const key = { kid: 'BTC-thu', privateKey: issuer.privateKey };
const spki = (k: typeof root.publicKey) => k.export({ format: 'der', type: 'spki' });
const keyList = signKeyList([{ kid: key.kid, spki: spki(issuer.publicKey), signsFrom: '2026-01-01T00:00:00Z', signsUntil: null }], '2026-11-20T00:00:00Z', { kid: 'ROOT', privateKey: root.privateKey });
const bits = emptyBits(16);
setRevoked(bits, 3);
const statusList = signStatusList({ issuedAt: '2026-11-22T00:00:00Z', validUntil: '2026-11-24T00:00:00Z', bits }, key);
const now = new Date('2026-11-23T03:00:00Z');
const claims = (statusIndex: number) => ({ cardNumber: '68.2026.000012-3', personalId: '068062001001', fullName: 'Nguyễn Thị Thuỷ', dateOfBirth: '1962-09-05', issuedOn: '2026-11-21', issuer: 'Ban Tổ chức Trung ương', statusIndex });

describe('the browser card verifier', () => {
  const serverTrust = { root: root.publicKey, keyList, statusList, now };
  const browserTrust = { root: spki(root.publicKey), keyList, statusList };

  it('says what the CLI says: valid, revoked, and the same problem for any changed character', async () => {
    const good = encodeCardQr(claims(1), key);
    expect(await verifyCardInBrowser(good, browserTrust, now)).toMatchObject({ verdict: 'valid', claims: claims(1), statusListAgeHours: 27 });
    expect(await verifyCardInBrowser(encodeCardQr(claims(3), key), browserTrust, now)).toMatchObject({ verdict: 'revoked' });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: good.length - 1 }), fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:é'), async (at, c) => {
        const changed = good.slice(0, at) + c + good.slice(at + 1);
        const browser = await verifyCardInBrowser(changed, browserTrust, now);
        const cli = verifyCard(changed, serverTrust);
        expect({ verdict: browser.verdict, problem: browser.problem }).toEqual({ verdict: cli.verdict, problem: cli.problem });
        if (changed !== good) expect(browser.verdict).not.toBe('valid');
      }),
      { numRuns: 150 },
    );
  });

  it('reads a chip record with its photo, and refuses an unknown key and an expired list', async () => {
    const record = { ...claims(2), gender: 'female' as const, joinedOn: '1990-03-12', officialOn: '1991-03-12', organisation: 'Chi bộ thôn Một', previousCardNumber: null, photo: new Uint8Array([0xff, 0xd8, 1, 2, 0xff, 0xd9]) };
    const chip = await verifyCardInBrowser(signChipRecord(record, key), browserTrust, now);
    expect(chip).toMatchObject({ verdict: 'valid', kind: 'chip', chip: { organisation: 'Chi bộ thôn Một' } });
    expect([...chip.chip!.photo]).toEqual([...record.photo]);
    const stranger = { kid: 'BTC-la', privateKey: generateKeyPairSync('ed25519').privateKey };
    expect(await verifyCardInBrowser(encodeCardQr(claims(1), stranger), browserTrust, now)).toMatchObject({ verdict: 'invalid', problem: 'unknown_key' });
    expect(await verifyCardInBrowser(encodeCardQr(claims(1), key), browserTrust, new Date('2026-11-25T00:00:00Z'))).toMatchObject({ verdict: 'status_expired' });
  });
});
