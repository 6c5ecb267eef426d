import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanName, toneKey } from '../../common/text.ts';
import { flipTonePlacement, hasTonePlacementVariant, Namer, type SurnameRegion } from './names.ts';
import { Random } from './random.ts';

const ETHNICITIES = ['Kinh', 'Tày', 'Nùng', 'Thái', 'Mông', 'Dao', 'Mường', 'Hoa', 'Khmer', 'Chăm', 'Ê Đê', 'Mnông', 'Gia Rai', 'Ba Na', 'Xơ Đăng', 'Cơ Ho', 'Mạ', 'Cơ Tu', 'Raglay', 'Xtiêng', 'Unlisted'];

function names(region: SurnameRegion, ethnicity: string, gender: 'male' | 'female', age: number, count: number, seed = 1): string[] {
  const namer = new Namer(region);
  const random = new Random(seed);
  return Array.from({ length: count }, () => namer.fullName(random, ethnicity, gender, age));
}

describe('flipTonePlacement', () => {
  it('moves the tone mark between the old and new placement', () => {
    expect(flipTonePlacement('Hòa')).toBe('Hoà');
    expect(flipTonePlacement('Hoà')).toBe('Hòa');
    expect(flipTonePlacement('Nguyễn Thị Thủy')).toBe('Nguyễn Thị Thuỷ');
    expect(flipTonePlacement('Khỏe')).toBe('Khoẻ');
    expect(flipTonePlacement('Lê Thúy Hòa')).toBe('Lê Thuý Hoà');
  });

  it('leaves names without such a syllable alone', () => {
    for (const name of ['Quý', 'Hoàng', 'Hoa', 'Nguyễn Văn Thuyết', 'Trần Duy']) {
      expect(flipTonePlacement(name)).toBe(name);
      expect(hasTonePlacementVariant(name)).toBe(false);
    }
  });

  it('gives the same name for matching, in NFC, and flips back', () => {
    const all = ETHNICITIES.flatMap((e) => [...names('north', e, 'male', 40, 300), ...names('south', e, 'female', 40, 300)]);
    const flippable = all.filter(hasTonePlacementVariant);
    expect(flippable.length).toBeGreaterThan(50);
    for (const name of flippable) {
      const flipped = flipTonePlacement(name);
      expect(flipped).not.toBe(name);
      expect(toneKey(flipped)).toBe(toneKey(name));
      expect(flipped.normalize('NFC')).toBe(flipped);
      expect(flipTonePlacement(flipped)).toBe(name);
    }
  });
});

describe('Namer', () => {
  it('writes names in NFC and proper case, as the app stores them', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom(...ETHNICITIES), fc.constantFrom('male', 'female'), fc.integer({ min: 18, max: 100 }), (seed, ethnicity, gender, age) => {
        for (const name of names('central', ethnicity, gender, age, 20, seed)) {
          expect(name.normalize('NFC')).toBe(name);
          expect(cleanName(name)).toBe(name);
          expect(name.split(' ').length).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('follows the national surname shares', () => {
    const sample = [...names('north', 'Kinh', 'male', 60, 10_000), ...names('north', 'Kinh', 'female', 30, 10_000)];
    const share = (surname: string) => sample.filter((n) => n.startsWith(`${surname} `)).length / sample.length;
    expect(share('Nguyễn')).toBeGreaterThan(0.36);
    expect(share('Nguyễn')).toBeLessThan(0.4);
    expect(share('Trần')).toBeGreaterThan(0.095);
    expect(share('Lê')).toBeGreaterThan(0.08);
    expect(share('Huỳnh')).toBe(0);
    expect(new Set(sample.map((n) => n.split(' ')[0])).size).toBeGreaterThan(50);
  });

  it('uses Huỳnh and Võ in the south', () => {
    const sample = names('south', 'Kinh', 'male', 50, 10_000);
    const share = (surname: string) => sample.filter((n) => n.startsWith(`${surname} `)).length / sample.length;
    expect(share('Huỳnh')).toBeGreaterThan(share('Hoàng'));
    expect(share('Võ')).toBeGreaterThan(share('Vũ'));
  });

  it('gives most older women the middle name Thị, fewer younger ones, and men Văn', () => {
    const thi = (list: string[]) => list.filter((n) => n.split(' ')[1] === 'Thị').length / list.length;
    expect(thi(names('north', 'Kinh', 'female', 70, 5000))).toBeGreaterThan(0.7);
    expect(thi(names('north', 'Kinh', 'female', 25, 5000))).toBeLessThan(0.55);
    expect(thi(names('north', 'Kinh', 'male', 70, 2000))).toBe(0);
    const van = names('north', 'Kinh', 'male', 70, 5000).filter((n) => n.split(' ')[1] === 'Văn').length / 5000;
    expect(van).toBeGreaterThan(0.4);
  });

  it('has a wide choice of given names, a few names without a middle name and a few with two', () => {
    for (const gender of ['male', 'female'] as const) {
      const sample = names('north', 'Kinh', gender, 40, 20_000);
      expect(new Set(sample.map((n) => n.split(' ').at(-1))).size).toBeGreaterThanOrEqual(100);
      const two = sample.filter((n) => n.split(' ').length === 2).length / sample.length;
      const four = sample.filter((n) => n.split(' ').length === 4).length / sample.length;
      expect(two).toBeGreaterThan(0.01);
      expect(two).toBeLessThan(0.05);
      expect(four).toBeGreaterThan(0.01);
      expect(four).toBeLessThan(0.15);
    }
  });

  it('names minorities in their own patterns', () => {
    expect(names('central', 'Ê Đê', 'male', 40, 50).every((n) => n.startsWith('Y '))).toBe(true);
    expect(names('central', 'Ê Đê', 'female', 40, 50).every((n) => n.startsWith('H '))).toBe(true);
    const mong = names('north', 'Mông', 'male', 40, 200).map((n) => n.split(' ')[0]);
    expect(mong).toContain('Giàng');
    expect(mong).toContain('Sùng');
    expect(names('north', 'Thái', 'male', 40, 300).map((n) => n.split(' ')[0])).toContain('Lò');
  });
});
