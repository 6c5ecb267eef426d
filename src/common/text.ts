/**
 * Vietnamese text rules shared by import, search and matching.
 * Names arrive as NFC or NFD, with the look-alike Ð (U+00D0), in capitals, with stray spaces,
 * and with the old or new tone-mark placement (Hòa/Hoà, Thủy/Thuỷ).
 */

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/;
const ALL_MARKS = /[\u0300-\u036f]/g;

/** NFC, Ð→Đ, ð→đ, no control characters, trimmed, single-spaced. */
export function cleanText(value: string): string {
  return value
    .normalize('NFC')
    .replace(/\u00d0/g, 'Đ')
    .replace(/\u00f0/g, 'đ')
    .replace(/[\u0000-\u001f\u007f\u200b-\u200d\ufeff]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Capitalises the first letter of each word and lowers the rest: "NGUYỄN  văn an" → "Nguyễn Văn An". */
export function properCase(value: string): string {
  return value
    .toLocaleLowerCase('vi')
    .replace(/(^|[\s\-(])(\p{L})/gu, (_m, sep: string, letter: string) => sep + letter.toLocaleUpperCase('vi'));
}

/** A person's name as it should be stored and shown. */
export function cleanName(value: string): string {
  return properCase(cleanText(value));
}

/** Lower case, diacritics removed, đ→d: the key for accent-insensitive search. */
export function foldText(value: string): string {
  return cleanText(value).normalize('NFD').replace(ALL_MARKS, '').replace(/đ/gi, 'd').toLowerCase().normalize('NFC');
}

/**
 * Lower case with one tone-mark placement (the traditional one: hòa, thủy, khỏe), so
 * "Hoà" and "Hòa" compare equal while "Hoa" and "Hòa" stay different.
 */
export function toneKey(value: string): string {
  return cleanText(value)
    .toLowerCase()
    .split(' ')
    .map(normaliseSyllable)
    .join(' ');
}

function normaliseSyllable(syllable: string): string {
  const decomposed = syllable.normalize('NFD');
  const tone = decomposed.match(TONE_MARKS)?.[0];
  if (!tone) return syllable.normalize('NFC');
  const base = decomposed.replace(TONE_MARKS, '').normalize('NFC');
  // Only open syllables ending in oa/oe/uy (not "qu"+y) differ between the two placements.
  const open = /^(.*?)(o[ae]|uy)$/.exec(base);
  let at: number;
  if (open && !(open[2] === 'uy' && open[1]!.endsWith('q'))) {
    at = open[1]!.length;
  } else {
    // Keep the mark on the letter it was on.
    const letters = [...decomposed];
    let index = -1;
    for (const ch of letters) {
      if (TONE_MARKS.test(ch)) break;
      if (!/[\u0300-\u036f]/.test(ch)) index++;
    }
    at = index;
  }
  const chars = [...base];
  chars[at] = (chars[at]! + tone).normalize('NFC');
  return chars.join('');
}

/** Vietnamese alphabetical order (a ă â b c d đ e ê …), for sorting in memory. */
export const vietnameseCollator = new Intl.Collator('vi', { sensitivity: 'variant', numeric: true });

/** Compares two texts ignoring case, NFC/NFD and Ð/Đ differences, accent-exactly. */
export function sameText(a: string, b: string): boolean {
  return toneKey(a) === toneKey(b);
}
