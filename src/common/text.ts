/**
 * Vietnamese text rules shared by import, search and matching.
 * Names arrive as NFC or NFD, with the look-alike Ð (U+00D0), in capitals, with stray spaces,
 * and with the old or new tone-mark placement (Hòa/Hoà, Thủy/Thuỷ).
 */

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/;
const ALL_MARKS = /[\u0300-\u036f]/g;

// Words of printable ASCII and precomposed Latin letters (minus Ð/ð), single-spaced: already clean and NFC.
const ALREADY_CLEAN = /^(?:[\x21-\x7e\u00a1-\u00cf\u00d1-\u00ef\u00f1-\u02ff\u1e00-\u1eff]+(?: (?=[^ ]))?)*$/;

/** NFC, Ð→Đ, ð→đ, no control characters, trimmed, single-spaced. */
export function cleanText(value: string): string {
  // Most cells are already clean; skip the normalisation passes for them (imports call this per cell).
  if (ALREADY_CLEAN.test(value)) return value;
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
  // Vietnamese has no locale-specific case mappings, so the plain (faster) case functions are exact.
  // After a space, hyphen, bracket or apostrophe (ethnic-minority names: H'Hen Niê, Ksor H’Ní).
  return value.toLowerCase().replace(/(^|[\s\-('’])(\p{L})/gu, (_m, sep: string, letter: string) => sep + letter.toUpperCase());
}

/** A person's name as it should be stored and shown. */
export function cleanName(value: string): string {
  return properCase(cleanText(value));
}

const foldedChars = new Map<string, string>();

function foldChar(ch: string): string {
  let folded = foldedChars.get(ch);
  if (folded === undefined) {
    folded = ch.normalize('NFD').replace(ALL_MARKS, '').replace(/đ/gi, 'd').toLowerCase().normalize('NFC');
    foldedChars.set(ch, folded);
  }
  return folded;
}

/** Lower case, diacritics removed, đ→d: the key for accent-insensitive search. */
export function foldText(value: string): string {
  const clean = cleanText(value);
  if (/^[\x00-\x7f]*$/.test(clean)) return clean.toLowerCase();
  let out = '';
  for (const ch of clean) out += ch.charCodeAt(0) < 128 ? ch.toLowerCase() : foldChar(ch);
  return out;
}

/**
 * Lower case with one tone-mark placement (the traditional one: hòa, thủy, khỏe), so
 * "Hoà" and "Hòa" compare equal while "Hoa" and "Hòa" stay different.
 */
export function toneKey(value: string): string {
  return cleanText(value)
    .toLowerCase()
    .split(' ')
    .map((syllable) => (/(o[ae]|uy)$/.test(foldText(syllable)) ? normaliseSyllable(syllable) : syllable))
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

// Vietnamese alphabet order (primary level); tones are the secondary level, case the tertiary one, as in ICU's vi collation.
const PRIMARY_ORDER = ' 0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz';
const TONE_ORDER = ['', '\u0300', '\u0309', '\u0303', '\u0301', '\u0323'];
const sortParts = new Map<string, [string, string, string]>();

function sortPart(ch: string): [string, string, string] {
  let part = sortParts.get(ch);
  if (!part) {
    const lower = ch.toLowerCase();
    const decomposed = lower.normalize('NFD');
    const tone = decomposed.match(TONE_MARKS)?.[0] ?? '';
    const base = decomposed.replace(TONE_MARKS, '').normalize('NFC');
    const index = PRIMARY_ORDER.indexOf(base);
    // Punctuation sorts before digits and letters; anything else after them, by code point.
    const primary = index >= 0 ? String.fromCharCode(0x30 + index) : /[\x21-\x7e]/.test(base) ? '\x22' : `\x7e${base}`;
    part = [primary, String(TONE_ORDER.indexOf(tone)), ch === lower ? '0' : '1'];
    sortParts.set(ch, part);
  }
  return part;
}

/**
 * A byte-comparable key that orders names as Vietnamese collation does (letters, then tones, then case),
 * so the database sorts with plain byte comparisons instead of ICU calls.
 */
export function sortKey(value: string): string {
  let primary = '';
  let secondary = '';
  let tertiary = '';
  for (const ch of cleanText(value)) {
    const [p, s, t] = sortPart(ch);
    primary += p;
    secondary += s;
    tertiary += t;
  }
  return `${primary}\x01${secondary}\x01${tertiary}`;
}
