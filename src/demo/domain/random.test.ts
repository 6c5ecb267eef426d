import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPermutation, hash32, Random, Weighted } from './random.ts';

describe('Random', () => {
  it('repeats a sequence for the same seed and stream, and differs otherwise', () => {
    const draw = (seed: number, stream = 0) => {
      const random = new Random(seed, stream);
      return Array.from({ length: 8 }, () => random.uint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(42, 1)).not.toEqual(draw(42, 2));
    expect(draw(2 ** 40)).not.toEqual(draw(0));
  });

  it('keeps numbers in range', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 100 }), (seed, min, width) => {
        const random = new Random(seed);
        for (let i = 0; i < 50; i++) {
          const x = random.next();
          expect(x >= 0 && x < 1).toBe(true);
          const n = random.int(min, min + width);
          expect(n >= min && n <= min + width && Number.isInteger(n)).toBe(true);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('is roughly uniform', () => {
    const random = new Random(7);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(random.next() * 10)]++;
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('hashes every part, including the high bits of large numbers', () => {
    expect(hash32(1, 2)).not.toBe(hash32(2, 1));
    expect(hash32(2 ** 33)).not.toBe(hash32(0));
  });
});

describe('Weighted', () => {
  it('samples values in proportion to their weights', () => {
    const table = new Weighted([['a', 1], ['b', 3], ['c', 0]] as const);
    const random = new Random(1);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 40_000; i++) counts[table.sample(random)]++;
    expect(counts.c).toBe(0);
    expect(counts.b / 40_000).toBeCloseTo(0.75, 1);
    expect(table.share('b')).toBeCloseTo(0.75);
  });
});

describe('createPermutation', () => {
  it('is a bijection on [0, size)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer(), (size, key) => {
        const permute = createPermutation(size, key);
        const seen = new Set<number>();
        for (let i = 0; i < size; i++) seen.add(permute(i));
        expect(seen.size).toBe(size);
        expect([...seen].every((value) => value >= 0 && value < size)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects indexes out of range', () => {
    expect(() => createPermutation(10, 1)(10)).toThrow(RangeError);
  });
});
