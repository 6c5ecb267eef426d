import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cleanName, cleanText, foldText, sortKey, toneKey } from './text.ts';

/** ICU's Vietnamese collation: the oracle for sortKey. */
const vietnameseCollator = new Intl.Collator('vi', { sensitivity: 'variant', numeric: true });

describe('cleanName', () => {
  it('gives NFC, proper case, single spaces and Đ for the look-alike Ð', () => {
    expect(cleanName('  NGUYỄN   VĂN  AN ')).toBe('Nguyễn Văn An');
    expect(cleanName('ÐẶNG THỊ HỒNG')).toBe('Đặng Thị Hồng');
    expect(cleanName('Nguyễn Văn An'.normalize('NFD'))).toBe('Nguyễn Văn An');
    expect(cleanName('nguyễn văn an').normalize('NFC')).toBe(cleanName('nguyễn văn an'));
  });
});

describe('foldText', () => {
  it('removes diacritics and maps đ to d', () => {
    expect(foldText('Đặng Thị Hoà')).toBe('dang thi hoa');
    expect(foldText('NGUYỄN VĂN ƯỚC')).toBe('nguyen van uoc');
  });
  it('is insensitive to NFC/NFD and case', () => {
    fc.assert(
      fc.property(fc.constantFrom('Nguyễn', 'Thủy', 'Hoà', 'Đức', 'Phượng', 'Khỏe', 'Ngọc'), fc.boolean(), (word, upper) => {
        const variant = (upper ? word.toUpperCase() : word).normalize('NFD');
        expect(foldText(variant)).toBe(foldText(word));
      }),
    );
  });
});

describe('toneKey', () => {
  it('unifies old and new tone placement but keeps different names apart', () => {
    expect(toneKey('Hoà')).toBe(toneKey('Hòa'));
    expect(toneKey('Thuỷ')).toBe(toneKey('Thủy'));
    expect(toneKey('Khoẻ')).toBe(toneKey('Khỏe'));
    expect(toneKey('Hoa')).not.toBe(toneKey('Hòa'));
    expect(toneKey('Hòa')).not.toBe(toneKey('Hóa'));
    expect(toneKey('Quý')).toBe('quý');
    expect(toneKey('Hoàng')).toBe('hoàng');
    expect(toneKey('NGUYỄN THỊ THUỶ')).toBe(toneKey('Nguyễn Thị Thủy'.normalize('NFD')));
  });
  it('is idempotent and placement-independent for open oa/oe/uy syllables', () => {
    const tones = ['\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
    fc.assert(
      fc.property(fc.constantFrom('h', 'th', 'kh', 'l', 'x', 't'), fc.constantFrom('oa', 'oe', 'uy'), fc.constantFrom(...tones), (onset, nucleus, tone) => {
        const first = `${onset}${nucleus[0]}${tone}${nucleus[1]}`.normalize('NFC');
        const second = `${onset}${nucleus}${tone}`.normalize('NFC');
        expect(toneKey(first)).toBe(toneKey(second));
        expect(toneKey(toneKey(first))).toBe(toneKey(first));
      }),
    );
  });
});

describe('vietnameseCollator', () => {
  it('sorts by the Vietnamese alphabet (D before Đ, A Ă Â)', () => {
    const names = ['Đặng', 'Dương', 'Ân', 'Ăn', 'An', 'Bình'];
    expect([...names].sort(vietnameseCollator.compare)).toEqual(['An', 'Ăn', 'Ân', 'Bình', 'Dương', 'Đặng']);
  });
});

describe('cleanText', () => {
  it('strips control and zero-width characters', () => {
    expect(cleanText('An\u200b\u0007 Bình\n')).toBe('An Bình');
  });
});

describe('sortKey', () => {
  it('orders names exactly as the Vietnamese collator does', () => {
    const words = ['An', 'Ăn', 'Ân', 'Bình', 'Dương', 'Đặng', 'Hoa', 'Hòa', 'Hóa', 'Hỏa', 'Hạ', 'Hà', 'Thủy', 'Thuỷ', 'Ưng', 'Ước', 'Yến', 'Anh', 'Ánh'];
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')), { minLength: 2, maxLength: 12 }), (names) => {
        const byCollator = [...names].sort(vietnameseCollator.compare);
        const byKey = [...names].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
        expect(byKey.map(toneKey)).toEqual(byCollator.map(toneKey));
      }),
    );
  });
});

describe('cleanName for ethnic-minority names', () => {
  it('capitalises after an apostrophe', () => {
    expect(cleanName("H'HEN NIÊ")).toBe("H'Hen Niê");
    expect(cleanName('KSOR H’NÍ')).toBe('Ksor H’Ní');
  });
});
