/**
 * Pure comparison of a party record with the population register ("trùng khớp" or not), field by field.
 * Whether a difference is an error or a legal one (a party-fixed date of birth) is decided elsewhere.
 */
import { cleanText, foldText } from '../../common/text.ts';
import { OLD_PROVINCES, PROVINCES } from '../../reference/provinces.ts';

export type Field = 'fullName' | 'dateOfBirth' | 'gender' | 'hometown' | 'residence';
export type Cause =
  | 'tone_placement_only'
  | 'letters_differ' | 'diacritic_differs' | 'tone_differs' | 'syllable_missing' | 'syllable_extra' | 'order_differs'
  | 'day_month_swapped' | 'year_only' | 'one_digit_typo' | 'different_date'
  | 'gender_differs'
  | 'place_differs';

export interface PartySide {
  fullName: string;
  dateOfBirth: string | null;
  birthYear: number;
  gender: 'male' | 'female';
  hometown: string | null;
  permanentAddress: string | null;
}

export interface RegisterSide {
  fullName: string;
  dateOfBirth: string;
  gender: 'male' | 'female';
  hometown: string | null;
  permanentAddress: string | null;
}

export interface FieldDifference {
  field: Field;
  party: string;
  population: string;
  cause: Cause;
  blocking: boolean;
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

interface Syllable {
  /** Letters with their quality marks, then the tone apart: the same whichever vowel carries the mark (Hòa/Hoà, Quý/Qúy). */
  key: string;
  base: string;
  letters: string;
}

function syllable(word: string): Syllable {
  const decomposed = word.normalize('NFD');
  const tone = (decomposed.match(TONE_MARKS) ?? []).join('');
  const base = decomposed.replace(TONE_MARKS, '').normalize('NFC');
  return { key: `${base}:${tone}`, base, letters: foldText(base) };
}

function syllables(value: string): Syllable[] {
  // Ethnic-minority names are typed with either apostrophe (H'Hen Niê / H’Hen Niê).
  const text = cleanText(value).toLowerCase().replace(/[’‘ʼ`]/g, "'");
  return text === '' ? [] : text.split(' ').map(syllable);
}

const keysOf = (list: Syllable[]) => list.map((s) => s.key);

function isSubsequence(short: string[], long: string[]): boolean {
  let i = 0;
  for (const key of long) if (key === short[i]) i++;
  return i === short.length;
}

export function sameName(a: string, b: string): boolean {
  return keysOf(syllables(a)).join(' ') === keysOf(syllables(b)).join(' ');
}

export function compareNames(party: string, register: string): Cause | null {
  const p = syllables(party);
  const r = syllables(register);
  const pk = keysOf(p);
  const rk = keysOf(r);
  if (pk.join(' ') === rk.join(' ')) return null;
  if (pk.length < rk.length && isSubsequence(pk, rk)) return 'syllable_missing';
  if (pk.length > rk.length && isSubsequence(rk, pk)) return 'syllable_extra';
  if (pk.length !== rk.length) return 'letters_differ';
  if ([...pk].sort().join(' ') === [...rk].sort().join(' ')) return 'order_differs';
  const differing = p.map((s, i) => [s, r[i]!] as const).filter(([a, b]) => a.key !== b.key);
  if (differing.some(([a, b]) => a.letters !== b.letters)) return 'letters_differ';
  return differing.some(([a, b]) => a.base !== b.base) ? 'diacritic_differs' : 'tone_differs';
}

export function compareDates(party: { dateOfBirth: string | null; birthYear: number }, register: string): Cause | null {
  if (party.dateOfBirth === null) return party.birthYear === Number(register.slice(0, 4)) ? 'year_only' : 'different_date';
  if (party.dateOfBirth === register) return null;
  const [py, pm, pd] = party.dateOfBirth.split('-');
  const [ry, rm, rd] = register.split('-');
  // Both are valid dates, so day = the other's month means both are ≤ 12; they differ because the dates do.
  if (py === ry && pm === rd && pd === rm) return 'day_month_swapped';
  const a = party.dateOfBirth.replace(/-/g, '');
  const b = register.replace(/-/g, '');
  if (a.length === b.length && [...a].filter((digit, i) => digit !== b[i]).length === 1) return 'one_digit_typo';
  return 'different_date';
}

// Longer prefixes first, so "tổ dân phố" is not read as "tổ". Abbreviations have lost their dot by the time this runs.
const UNIT_PREFIX =
  /^(tổ dân phố|khu phố|thành phố|thị trấn|thị xã|đặc khu|tỉnh|xã|phường|huyện|quận|thôn|xóm|ấp|bản|buôn|làng|khu|khối|tổ|tp|tx|tt|q|p) (?=\S)/;
const DISTRICT_PREFIX = /^(huyện|quận|thị xã|tx|q|thành phố|tp)$/;

interface PlacePart {
  key: string;
  district: boolean;
}

const placeWords = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}]+/gu, ' ').trim();

function placePart(words: string, last: boolean): PlacePart {
  const prefix = UNIT_PREFIX.exec(words)?.[1];
  const key = (prefix ? words.slice(prefix.length + 1) : words).split(' ').map((w) => syllable(w).key).join(' ');
  return { key, district: !last && prefix !== undefined && DISTRICT_PREFIX.test(prefix) };
}

/** Province names before and after the 2025 mergers → the 2025 province code. */
const PROVINCE_BY_KEY = new Map<string, string>([
  ...OLD_PROVINCES.map((p) => [placePart(placeWords(p.name), true).key, p.provinceCode] as const),
  ...PROVINCES.map((p) => [placePart(placeWords(p.name), true).key, p.code] as const),
]);

function placeParts(address: string): PlacePart[] {
  const texts = cleanText(address).split(',').map(placeWords).filter((t) => t !== '');
  return texts.map((text, i) => {
    const part = placePart(text, i === texts.length - 1);
    const province = i === texts.length - 1 ? PROVINCE_BY_KEY.get(part.key) : undefined;
    return province ? { key: `#${province}`, district: false } : part;
  });
}

export function samePlace(a: string, b: string): boolean {
  let pa = placeParts(a);
  let pb = placeParts(b);
  // Districts were abolished on 1 July 2025: an address written since names none, an older one may.
  if (pa.some((p) => p.district) !== pb.some((p) => p.district)) {
    pa = pa.filter((p) => !p.district);
    pb = pb.filter((p) => !p.district);
  }
  return pa.map((p) => p.key).join(',') === pb.map((p) => p.key).join(',');
}

const BLOCKING: ReadonlySet<Field> = new Set(['fullName', 'dateOfBirth', 'gender']);

export function compareRecords(party: PartySide, register: RegisterSide): FieldDifference[] {
  const differences: FieldDifference[] = [];
  const add = (field: Field, partyValue: string, populationValue: string, cause: Cause) =>
    differences.push({ field, party: partyValue, population: populationValue, cause, blocking: BLOCKING.has(field) });

  // Most records agree to the letter: identical text needs none of the syllable work (a million rows per run).
  const name = party.fullName === register.fullName ? null : compareNames(party.fullName, register.fullName);
  if (name) add('fullName', cleanText(party.fullName), cleanText(register.fullName), name);
  const date = compareDates(party, register.dateOfBirth);
  if (date) add('dateOfBirth', party.dateOfBirth ?? String(party.birthYear), register.dateOfBirth, date);
  if (party.gender !== register.gender) add('gender', party.gender, register.gender, 'gender_differs');
  const places = [
    ['hometown', party.hometown, register.hometown],
    ['residence', party.permanentAddress, register.permanentAddress],
  ] as const;
  for (const [field, partyPlace, registerPlace] of places) {
    if (partyPlace !== registerPlace && !samePlace(partyPlace ?? '', registerPlace ?? '')) add(field, cleanText(partyPlace ?? ''), cleanText(registerPlace ?? ''), 'place_differs');
  }
  return differences;
}
