/**
 * Signing and verifying complete card records (issue 7): the chip record with a 12 KB photo as COSE_Sign1 (Ed25519),
 * against bare node:crypto Ed25519 on the same bytes the record signs (its Sig_structure), in the same run. Then one
 * batch of 100,000 dossiers from a province to the centre (bench/batch.ts).
 */
import { generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { chipPayload, signChipRecord, verifyChipRecord, type ChipRecord } from '../src/cards/domain/chip.ts';
import { signedBytesOf } from '../src/cards/domain/cose.ts';
import { measureBatch } from './batch.ts';
import { round, tiny } from './support.ts';

export async function run() {
  const records = tiny ? 200 : 20_000;
  const issuer = generateKeyPairSync('ed25519');
  const key = { kid: 'VN-2026-1', privateKey: issuer.privateKey };
  const keyOf = (kid: string) => (kid === key.kid ? issuer.publicKey : undefined);
  const photo = randomBytes(12_000);
  const recordOf = (i: number): ChipRecord => ({
    cardNumber: `68.2026.${String(i).padStart(6, '0')}`, personalId: `0680620${String(i).padStart(5, '0')}`, fullName: 'Nguyễn Thị Thuỷ Tiên',
    dateOfBirth: '1962-09-05', issuedOn: '2026-12-01', issuer: 'Ban Tổ chức Trung ương', statusIndex: i, gender: 'female', joinedOn: '1990-03-12',
    officialOn: '1991-03-12', organisation: 'Chi bộ tổ dân phố Hai', previousCardNumber: '68000001', photo,
  });
  const input = Array.from({ length: records }, (_, i) => recordOf(i));

  // In chunks, as records are signed and written out in batches: a chunk is signed, verified, then let go (holding
  // 20,000 records of 12 KB would measure the garbage collector, not the signing).
  const CHUNK = 1000;
  let signSeconds = 0;
  let verifySeconds = 0;
  let rawSignSeconds = 0;
  let rawVerifySeconds = 0;
  let recordBytes = 0;
  for (let from = 0; from < records; from += CHUNK) {
    const chunk = input.slice(from, from + CHUNK);
    let t = performance.now();
    const signed = chunk.map((r) => signChipRecord(r, key));
    signSeconds += (performance.now() - t) / 1000;
    t = performance.now();
    for (const s of signed) if (!verifyChipRecord(s, keyOf).ok) throw new Error('a record did not verify');
    verifySeconds += (performance.now() - t) / 1000;
    recordBytes = signed[0]!.length;
    // The limit: Ed25519 alone on the bytes each record's signature covers (its Sig_structure).
    const toBeSigned = chunk.map((r) => signedBytesOf(key.kid, chipPayload(r)));
    t = performance.now();
    const signatures = toBeSigned.map((b) => sign(null, b, issuer.privateKey));
    rawSignSeconds += (performance.now() - t) / 1000;
    t = performance.now();
    for (const [i, b] of toBeSigned.entries()) if (!verify(null, b, issuer.publicKey, signatures[i]!)) throw new Error('raw verify failed');
    rawVerifySeconds += (performance.now() - t) / 1000;
  }

  const signPerSecond = records / signSeconds;
  const verifyPerSecond = records / verifySeconds;
  const rawSignPerSecond = records / rawSignSeconds;
  const rawVerifyPerSecond = records / rawVerifySeconds;
  return {
    records,
    recordBytes,
    signPerSecond: round(signPerSecond, 0),
    verifyPerSecond: round(verifyPerSecond, 0),
    rawSignPerSecond: round(rawSignPerSecond, 0),
    rawVerifyPerSecond: round(rawVerifyPerSecond, 0),
    signRatio: round(signPerSecond / rawSignPerSecond, 2),
    verifyRatio: round(verifyPerSecond / rawVerifyPerSecond, 2),
    ...(await measureBatch()),
  };
}
