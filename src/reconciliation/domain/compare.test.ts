import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldText } from '../../common/text.ts';
import { compareDates, compareNames, compareRecords, sameName, samePlace, type Cause, type PartySide, type RegisterSide } from './compare.ts';

// Syllable parts; combinations need not all be real words, only shaped like them.
const ONSETS = ['', 'b', 'c', 'ch', 'd', 'đ', 'g', 'gh', 'gi', 'h', 'k', 'kh', 'l', 'm', 'n', 'ng', 'ngh', 'nh', 'p', 'ph', 'qu', 'r', 's', 't', 'th', 'tr', 'v', 'x'];
const NUCLEI = [
  'a', 'ă', 'â', 'e', 'ê', 'i', 'o', 'ô', 'ơ', 'u', 'ư', 'y', 'ai', 'ao', 'au', 'ay', 'âu', 'ây', 'eo', 'êu', 'ia', 'iê', 'iu',
  'oa', 'oă', 'oe', 'oi', 'ôi', 'ơi', 'ua', 'uâ', 'uê', 'ui', 'uô', 'uy', 'uyê', 'ưa', 'ưi', 'ươ', 'ưu', 'oai', 'uôi', 'ươi', 'uya',
];
const CODAS = ['', 'c', 'ch', 'm', 'n', 'ng', 'nh', 'p', 't'];
const TONES = ['', '\u0300', '\u0301', '\u0303', '\u0309', '\u0323'];
const VOWELS = 'aăâeêioôơuưy';
const QUALITY = ['aăâ', 'eê', 'oôơ', 'uư'];

interface Syl {
  onset: string;
  nucleus: string;
  coda: string;
  tone: string;
}

const syllableArb: fc.Arbitrary<Syl> = fc
  .record({ onset: fc.constantFrom(...ONSETS), nucleus: fc.constantFrom(...NUCLEI), coda: fc.constantFrom(...CODAS), tone: fc.constantFrom(...TONES) })
  .filter((s) => !(s.onset === 'qu' && /^[uưo]/.test(s.nucleus)) && !(s.onset === 'gi' && /^[iy]/.test(s.nucleus)));
const nameArb = fc.array(syllableArb, { minLength: 1, maxLength: 4 });

const lettersOf = (s: Syl) => [...`${s.onset}${s.nucleus}${s.coda}`];
/** Vowel letters that may carry the tone mark, including the u of qu and the i of gi (Qúy). */
const toneSlots = (s: Syl) => lettersOf(s).flatMap((ch, i) => (i < s.onset.length + s.nucleus.length && VOWELS.includes(ch) ? [i] : []));

/** The standard placement: on the vowel with a quality mark, else the last vowel before a coda, else new style (hoà, thuỷ, quý). */
function standardSlot(s: Syl): number {
  const start = s.onset.length;
  const marked = [...s.nucleus].findLastIndex((ch) => 'ăâêôơư'.includes(ch));
  if (marked >= 0) return start + marked;
  if (s.coda !== '' || ['oa', 'oe', 'uy'].includes(s.nucleus)) return start + s.nucleus.length - 1;
  return start;
}

function render(s: Syl, slot = standardSlot(s)): string {
  const letters = lettersOf(s);
  if (s.tone !== '') letters[slot] = (letters[slot]! + s.tone).normalize('NFC');
  return letters.join('');
}

const properCase = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);
const canonical = (name: Syl[]) => name.map((s) => properCase(render(s))).join(' ');

interface Variation {
  slots: number[];
  letterCase: 'lower' | 'upper' | 'proper';
  form: 'NFC' | 'NFD';
  spaces: string[];
  lookalikeD: boolean;
}

const SPACES = [' ', '  ', '\t', '\u00a0', ' \u00a0 '];
const variationArb: fc.Arbitrary<Variation> = fc.record({
  slots: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
  letterCase: fc.constantFrom('lower', 'upper', 'proper'),
  form: fc.constantFrom('NFC', 'NFD'),
  spaces: fc.array(fc.constantFrom('', ...SPACES), { minLength: 6, maxLength: 6 }),
  lookalikeD: fc.boolean(),
});

/** The same name as another system might type it: tone placement, case, Unicode form, spacing, Ð. */
function variant(name: Syl[], v: Variation): string {
  const words = name.map((s, i) => {
    const slots = toneSlots(s);
    const word = render(s, slots[v.slots[i]! % slots.length]);
    return v.letterCase === 'upper' ? word.toUpperCase() : v.letterCase === 'proper' ? properCase(word) : word;
  });
  let text = v.spaces[0]! + words.map((w, i) => (i === 0 ? w : (v.spaces[i] || ' ') + w)).join('') + v.spaces[5]!;
  if (v.lookalikeD) text = text.replace(/Đ/g, 'Ð');
  return text.normalize(v.form);
}

type Mutation = 'tone' | 'diacritic' | 'letter' | 'missing' | 'extra' | 'order';
const EXPECTED: Record<Mutation, Cause> = {
  tone: 'tone_differs',
  diacritic: 'diacritic_differs',
  letter: 'letters_differ',
  missing: 'syllable_missing',
  extra: 'syllable_extra',
  order: 'order_differs',
};

/** One change to one syllable (or to the syllable list); undefined when the change does not apply to this name. */
function mutate(name: Syl[], kind: Mutation, at: number, pick: number, extra: Syl): Syl[] | undefined {
  const i = at % name.length;
  const s = name[i]!;
  const replace = (changed: Syl) => name.map((t, j) => (j === i ? changed : t));
  const choose = <T,>(options: T[]) => (options.length === 0 ? undefined : options[pick % options.length]);
  switch (kind) {
    case 'tone':
      return replace({ ...s, tone: TONES[(TONES.indexOf(s.tone) + 1 + (pick % 5)) % 6]! });
    case 'diacritic': {
      const options = [...s.nucleus].flatMap((ch, k) => {
        const family = QUALITY.find((f) => f.includes(ch));
        return family ? [...family].filter((o) => o !== ch).map((o) => ({ ...s, nucleus: s.nucleus.slice(0, k) + o + s.nucleus.slice(k + 1) })) : [];
      });
      if (s.onset === 'd' || s.onset === 'đ') options.push({ ...s, onset: s.onset === 'd' ? 'đ' : 'd' });
      const changed = choose(options);
      return changed && replace(changed);
    }
    case 'letter': {
      const options = [
        ...ONSETS.map((onset) => ({ ...s, onset })),
        ...CODAS.map((coda) => ({ ...s, coda })),
        ...NUCLEI.map((nucleus) => ({ ...s, nucleus })),
      ].filter((t) => foldText(render(t)) !== foldText(render(s)));
      const changed = choose(options);
      return changed && replace(changed);
    }
    case 'missing':
      return name.length > 1 ? name.filter((_t, j) => j !== i) : undefined;
    case 'extra':
      return [...name.slice(0, i), extra, ...name.slice(i)];
    case 'order': {
      const j = pick % name.length;
      if (render(name[j]!) === render(s)) return undefined;
      return name.map((t, k) => (k === i ? name[j]! : k === j ? s : t));
    }
  }
}

describe('sameName / compareNames', () => {
  it('treats tone placement, Unicode form, case, spacing and Ð as the same name', () => {
    expect(sameName('Lê Thị Hòa', 'Lê Thị Hoà')).toBe(true);
    expect(sameName('Thủy', 'Thuỷ')).toBe(true);
    expect(sameName('Khỏe', 'Khoẻ')).toBe(true);
    expect(sameName('Trần Quý', 'TRẦN QÚY')).toBe(true);
    expect(sameName('Quỳnh', 'Qùynh')).toBe(true);
    expect(sameName('ÐẶNG  THỊ THUỶ ', 'Đặng Thị Thủy'.normalize('NFD'))).toBe(true);
    expect(sameName("H'Hen Niê", 'H’Hen Niê')).toBe(true);
    expect(compareNames('Nguyễn Văn Hoà', 'NGUYỄN VĂN HÒA')).toBeNull();
  });

  it('labels each kind of difference', () => {
    expect(compareNames('Lê Thị Hoa', 'Lê Thị Hòa')).toBe('tone_differs');
    expect(compareNames('Hòa', 'Hóa')).toBe('tone_differs');
    expect(compareNames('Trần Văn An', 'Trần Văn Ân')).toBe('diacritic_differs');
    expect(compareNames('Dặng Văn Long', 'Đặng Văn Long')).toBe('diacritic_differs');
    expect(compareNames('Lê Văn Hữu', 'Lê Văn Hựu')).toBe('tone_differs');
    expect(compareNames('Nguyễn Văn An', 'Nguyễn Văn Anh')).toBe('letters_differ');
    expect(compareNames('Nguyễn An', 'Nguyễn Văn An')).toBe('syllable_missing');
    expect(compareNames('Nguyễn Thị Minh Khai', 'Nguyễn Minh Khai')).toBe('syllable_extra');
    expect(compareNames('Văn An Nguyễn', 'Nguyễn Văn An')).toBe('order_differs');
    expect(compareNames('Nguyễn Văn', 'Nguyễn Văn An Bình')).toBe('syllable_missing');
    expect(compareNames('Nguyễn Vân', 'Nguyễn Văn An')).toBe('letters_differ');
    expect(compareNames('Lê Hoa Mai', 'Lê Hòa Mái')).toBe('tone_differs');
    expect(compareNames('Lê Hòa Ân', 'Lê Hòa Án')).toBe('diacritic_differs');
  });

  it('is invariant under tone placement, NFC/NFD, case, spacing and Ð/Đ', () => {
    fc.assert(
      fc.property(nameArb, variationArb, variationArb, (name, a, b) => {
        expect(sameName(variant(name, a), canonical(name))).toBe(true);
        expect(compareNames(variant(name, a), variant(name, b))).toBeNull();
      }),
      { numRuns: 400 },
    );
  });

  it('sees any single change of letter, vowel-quality mark, tone or syllable, with its cause', () => {
    const kinds = Object.keys(EXPECTED) as Mutation[];
    fc.assert(
      fc.property(nameArb, fc.constantFrom(...kinds), fc.nat(), fc.nat(), syllableArb, variationArb, variationArb, (name, kind, at, pick, extra, a, b) => {
        const changed = mutate(name, kind, at, pick, extra);
        fc.pre(changed !== undefined);
        const party = variant(changed!, a);
        const register = variant(name, b);
        expect(sameName(party, register)).toBe(false);
        expect(compareNames(party, register)).toBe(EXPECTED[kind]);
      }),
      { numRuns: 600 },
    );
  });
});

describe('compareDates', () => {
  it('is null for the same date', () => {
    expect(compareDates({ dateOfBirth: '1985-03-14', birthYear: 1985 }, '1985-03-14')).toBeNull();
  });
  it('labels a swapped day and month', () => {
    expect(compareDates({ dateOfBirth: '1985-04-03', birthYear: 1985 }, '1985-03-04')).toBe('day_month_swapped');
    expect(compareDates({ dateOfBirth: '1985-12-01', birthYear: 1985 }, '1985-01-12')).toBe('day_month_swapped');
    expect(compareDates({ dateOfBirth: '1985-04-03', birthYear: 1985 }, '1986-03-04')).toBe('different_date');
  });
  it('labels a party record that knows only the year', () => {
    expect(compareDates({ dateOfBirth: null, birthYear: 1985 }, '1985-03-04')).toBe('year_only');
    expect(compareDates({ dateOfBirth: null, birthYear: 1986 }, '1985-03-04')).toBe('different_date');
  });
  it('labels a one-digit typo', () => {
    expect(compareDates({ dateOfBirth: '1985-03-15', birthYear: 1985 }, '1985-03-14')).toBe('one_digit_typo');
    expect(compareDates({ dateOfBirth: '1975-03-14', birthYear: 1975 }, '1985-03-14')).toBe('one_digit_typo');
    expect(compareDates({ dateOfBirth: '1985-08-14', birthYear: 1985 }, '1985-03-14')).toBe('one_digit_typo');
  });
  it('calls anything else a different date', () => {
    expect(compareDates({ dateOfBirth: '1958-03-14', birthYear: 1958 }, '1985-03-14')).toBe('different_date');
    expect(compareDates({ dateOfBirth: '1985-05-20', birthYear: 1985 }, '1985-05-02')).toBe('different_date');
    expect(compareDates({ dateOfBirth: '1984-12-31', birthYear: 1984 }, '1985-01-01')).toBe('different_date');
  });
});

describe('samePlace', () => {
  it('ignores unit prefixes, punctuation, case, Unicode form and tone placement', () => {
    expect(samePlace('Thôn 3, xã Đoàn Kết, tỉnh Lạng Sơn', 'thôn 3, Xã Đoàn Kết, Lạng Sơn')).toBe(true);
    expect(samePlace('Tổ dân phố 5, phường Hoà Bình, tỉnh Khánh Hòa', '5,  Phường Hòa Bình , KHÁNH HOÀ'.normalize('NFD'))).toBe(true);
    expect(samePlace('Ấp Tân Hòa, xã Long Phú, TP. Cần Thơ', 'ấp Tân Hoà, Long Phú, Thành phố Cần Thơ')).toBe(true);
    expect(samePlace('Khu phố 2, P. Bến Thành, TP.Hồ Chí Minh', 'Khu phố 2, phường Bến Thành, thành phố Hồ Chí Minh')).toBe(true);
    expect(samePlace('', '')).toBe(true);
  });
  it('equates a pre-2025 province with the province it was merged into', () => {
    expect(samePlace('xã Đồng Văn, tỉnh Hà Giang', 'xã Đồng Văn, tỉnh Tuyên Quang')).toBe(true);
    expect(samePlace('xã Đồng Văn, tỉnh Hà Giang', 'xã Đồng Văn, tỉnh Cao Bằng')).toBe(false);
    expect(samePlace('phường Dĩ An, tỉnh Bình Dương', 'phường Dĩ An, Thành phố Hồ Chí Minh')).toBe(true);
    expect(samePlace('phường Thuận Hóa, tỉnh Thừa Thiên Huế', 'phường Thuận Hoá, thành phố Huế')).toBe(true);
    expect(samePlace('phường Long Hương, tỉnh Bà Rịa-Vũng Tàu', 'phường Long Hương, TP Hồ Chí Minh')).toBe(true);
    expect(samePlace('xã Mỹ Xuyên, tỉnh Sóc Trăng', 'xã Mỹ Xuyên, thành phố Cần Thơ')).toBe(true);
  });
  it('compares commune and smaller parts as text', () => {
    expect(samePlace('Thôn 3, xã Đoàn Kết, tỉnh Lạng Sơn', 'Thôn 4, xã Đoàn Kết, tỉnh Lạng Sơn')).toBe(false);
    expect(samePlace('xã Đoàn Kết, tỉnh Lạng Sơn', 'xã Đoàn Kết Mới, tỉnh Lạng Sơn')).toBe(false);
    expect(samePlace('xã Hòa Bình, tỉnh Lạng Sơn', 'xã Hóa Bình, tỉnh Lạng Sơn')).toBe(false);
    expect(samePlace('Thôn 3, xã Đoàn Kết, tỉnh Lạng Sơn', 'xã Đoàn Kết, tỉnh Lạng Sơn')).toBe(false);
  });
  it('ignores a district named on one side only (districts ended on 1 July 2025)', () => {
    expect(samePlace('xã Đoàn Kết, huyện Đình Lập, tỉnh Lạng Sơn', 'xã Đoàn Kết, tỉnh Lạng Sơn')).toBe(true);
    expect(samePlace('phường Bến Thành, Quận 1, TP. Hồ Chí Minh', 'phường Bến Thành, Thành phố Hồ Chí Minh')).toBe(true);
    expect(samePlace('xã Tân Lập, huyện Hữu Lũng, tỉnh Lạng Sơn', 'xã Tân Lập, huyện Bắc Sơn, tỉnh Lạng Sơn')).toBe(false);
  });
});

describe('compareRecords', () => {
  const register: RegisterSide = {
    fullName: 'Nguyễn Thị Hòa',
    dateOfBirth: '1985-03-04',
    gender: 'female',
    hometown: 'xã Đồng Văn, tỉnh Tuyên Quang',
    permanentAddress: 'Thôn 3, xã Đoàn Kết, tỉnh Lạng Sơn',
  };
  const party: PartySide = {
    fullName: 'NGUYỄN THỊ HOÀ',
    dateOfBirth: '1985-03-04',
    birthYear: 1985,
    gender: 'female',
    hometown: 'Xã Đồng Văn, Hà Giang',
    permanentAddress: 'thôn 3, xã Đoàn Kết, Lạng Sơn',
  };

  it('finds no difference when the records match ("trùng khớp")', () => {
    expect(compareRecords(party, register)).toEqual([]);
  });

  it('lists each difference with its cause, blocking only for name, date of birth and gender', () => {
    const other: PartySide = { ...party, fullName: 'Nguyễn Thị Hoa', dateOfBirth: null, gender: 'male', hometown: null, permanentAddress: 'Thôn 4, xã Đoàn Kết, tỉnh Lạng Sơn' };
    expect(compareRecords(other, register)).toEqual([
      { field: 'fullName', party: 'Nguyễn Thị Hoa', population: 'Nguyễn Thị Hòa', cause: 'tone_differs', blocking: true },
      { field: 'dateOfBirth', party: '1985', population: '1985-03-04', cause: 'year_only', blocking: true },
      { field: 'gender', party: 'male', population: 'female', cause: 'gender_differs', blocking: true },
      { field: 'hometown', party: '', population: 'xã Đồng Văn, tỉnh Tuyên Quang', cause: 'place_differs', blocking: false },
      { field: 'residence', party: 'Thôn 4, xã Đoàn Kết, tỉnh Lạng Sơn', population: 'Thôn 3, xã Đoàn Kết, tỉnh Lạng Sơn', cause: 'place_differs', blocking: false },
    ]);
  });

  it('treats two missing places as equal', () => {
    expect(compareRecords({ ...party, hometown: null }, { ...register, hometown: null })).toEqual([]);
  });
});
