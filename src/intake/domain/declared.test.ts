import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { uncorrectedChanges } from './declared.ts';

const RECORD = { fullName: 'Phạm Văn Bắc', hometown: 'Xã Thử Một', phone: null };

describe('declared data against the record', () => {
  it('accepts the record as it is (spacing and Unicode form aside) and values given by the last correction', () => {
    expect(uncorrectedChanges(RECORD, { fullName: 'Phạm  Văn Bắc'.normalize('NFD'), phone: '' }, [])).toEqual([]);
    const corrections = [
      { field: 'hometown', new: 'Xã A', at: '2026-12-01T01:00:00Z' },
      { field: 'hometown', new: 'Xã B', at: '2026-12-01T08:05:00+07:00' },
    ];
    expect(uncorrectedChanges(RECORD, { hometown: 'Xã A' }, corrections)).toEqual(['hometown']);
    // 08:05+07:00 is 01:05Z: the later one, though it sorts first as text.
    expect(uncorrectedChanges(RECORD, { hometown: 'Xã B' }, corrections)).toEqual([]);
  });

  it('names every field changed without a correction', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((s) => s.trim() !== '' && s.trim() !== 'Xã Thử Một'), (typed) => {
        expect(uncorrectedChanges(RECORD, { hometown: typed }, [])).toEqual(['hometown']);
        expect(uncorrectedChanges(RECORD, { hometown: typed }, [{ field: 'hometown', new: typed, at: '2026-12-01T01:00:00Z' }])).toEqual([]);
      }),
    );
  });
});
