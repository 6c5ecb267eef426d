import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalJson, entryHash, GENESIS_HASH, verifyChain, type StoredEntry } from './domain.ts';

function chain(n: number): StoredEntry[] {
  let prev = GENESIS_HASH;
  return Array.from({ length: n }, (_, i) => {
    const fields = { at: new Date(1_700_000_000_000 + i).toISOString(), actorId: '1', actor: 'admin', action: 'member.read', entity: 'member', entityId: String(i), scope: '*', details: { i } };
    const hash = entryHash(prev, fields);
    const entry = { ...fields, id: String(i + 1), prevHash: prev, hash };
    prev = hash;
    return entry;
  });
}

describe('audit chain', () => {
  it('verifies an untouched chain', () => {
    expect(verifyChain(chain(20))).toMatchObject({ ok: true, entries: 20 });
  });

  it('detects any edited or deleted entry before the head', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 18 }), fc.boolean(), (index, remove) => {
        const entries = chain(20);
        if (remove) entries.splice(index, 1);
        else entries[index] = { ...entries[index]!, actor: 'someone else' };
        const result = verifyChain(entries);
        expect(result.ok).toBe(false);
      }),
    );
  });

  it('hashes details independently of key order', () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(canonicalJson({ a: [1, { c: 3, d: 2 }], b: 1 }));
  });
});
