import { generateKeyPairSync, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveEntries, sha256, signManifest, signReceipt, verifyManifest, verifyReceipt, type Manifest } from './batch.ts';

const province = generateKeyPairSync('ed25519');
const key = { kid: 'P68-test', privateKey: province.privateKey };
const keyOf = (kid: string) => (kid === 'P68-test' ? province.publicKey : undefined);

const manifest = (n: number): Manifest => ({
  batchId: randomUUID(),
  provinceCode: '68',
  createdAt: new Date().toISOString(),
  entries: Array.from({ length: n }, (_, i) => ({
    dossierId: randomUUID(),
    personalId: String(68000000000 + i).padStart(12, '0'),
    data: sha256(Buffer.from(`data ${i}`)),
    photo: sha256(Buffer.from(`photo ${i}`)),
    signature: i % 3 === 0 ? null : sha256(Buffer.from(`signature ${i}`)),
  })),
});

describe('the batch manifest and receipt', () => {
  it('verifies a signed manifest as it was, and refuses any changed byte', () => {
    const m = manifest(5);
    const signed = signManifest(m, key);
    expect(verifyManifest(signed, keyOf)).toEqual({ ok: true, kid: 'P68-test', manifest: m });
    fc.assert(
      fc.property(fc.nat({ max: signed.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const changed = Buffer.from(signed);
        changed[at] = changed[at]! ^ flip;
        expect(verifyManifest(changed, keyOf).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    expect(verifyManifest(signed, () => undefined)).toMatchObject({ ok: false, problem: 'unknown_key', kid: 'P68-test' });
  });

  it('reads back a signed receipt with its conflicts', () => {
    const receipt = {
      batchId: randomUUID(),
      manifestSha256: sha256(Buffer.from('m')),
      provinceCode: '01',
      receivedAt: new Date().toISOString(),
      dossiers: 3,
      conflicts: [{ dossierId: randomUUID(), reason: 'member_taken' as const, acceptedDossierId: randomUUID(), acceptedProvinceCode: '68' }],
    };
    expect(verifyReceipt(signReceipt(receipt, key), keyOf)).toEqual({ ok: true, kid: 'P68-test', receipt });
  });
});

describe('which entries the centre accepts', () => {
  it('accepts one dossier per member nationwide; every other is a conflict naming the accepted one; a dossier already held is not stored again', () => {
    const members = ['068000000001', '068000000002', '068000000003', '001000000004'];
    fc.assert(
      fc.property(
        fc.array(fc.record({ member: fc.constantFrom(...members), dossier: fc.integer({ min: 0, max: 8 }) }), { maxLength: 20 }),
        fc.subarray(members),
        fc.subarray([0, 1, 2]),
        (picks, takenBefore, knownBefore) => {
          // A dossier id belongs to one member (the same dossier sent again names the same member).
          const dossierOf = new Map<number, string>();
          const entries = picks
            .filter((p) => (dossierOf.get(p.dossier) ?? p.member) === p.member && dossierOf.set(p.dossier, p.member))
            .map((p) => ({ dossierId: `d${p.dossier}`, personalId: p.member }))
            .filter((e, i, all) => all.findIndex((x) => x.dossierId === e.dossierId) === i);
          const accepted = new Map(takenBefore.map((m) => [m, { dossierId: `old-${m}`, provinceCode: '01' }]));
          // Held before: the first as a conflict against another province's dossier, the others accepted.
          const known = new Map(knownBefore.map((d, i) => [`d${d}`, i === 0 ? { dossierId: 'held-elsewhere', provinceCode: '01' } : null]));
          const { store, conflicts } = resolveEntries(entries, '68', accepted, known);
          const conflictSeqs = new Set(conflicts.filter((c) => !known.has(c.dossierId)).map((c) => c.seq));
          // Known dossiers are never stored again; every other entry is stored, accepted or as a conflict.
          expect(store.map((s) => entries[s]!.dossierId).sort()).toEqual(entries.filter((e) => !known.has(e.dossierId)).map((e) => e.dossierId).sort());
          // At most one accepted per member, none where one was accepted before.
          const acceptedNow = store.filter((s) => !conflictSeqs.has(s)).map((s) => entries[s]!.personalId);
          expect(new Set(acceptedNow).size).toBe(acceptedNow.length);
          for (const m of acceptedNow) expect(takenBefore).not.toContain(m);
          // A held dossier is answered as before: a conflict again if it was one.
          for (const e of entries.filter((x) => known.get(x.dossierId))) expect(conflicts.find((c) => c.dossierId === e.dossierId)).toMatchObject({ acceptedDossierId: 'held-elsewhere' });
          // A conflict names the dossier accepted for its member, from before or earlier in this batch.
          for (const c of conflicts.filter((x) => !known.has(x.dossierId))) {
            const member = entries[c.seq]!.personalId;
            expect(c.reason).toBe(takenBefore.includes(member) ? 'member_taken' : 'member_twice_in_batch');
            expect(c.acceptedDossierId).toBe(takenBefore.includes(member) ? `old-${member}` : entries[store.find((s) => !conflictSeqs.has(s) && entries[s]!.personalId === member)!]!.dossierId);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
