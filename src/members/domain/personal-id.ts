import { findOldProvince } from '../../reference/provinces.ts';
import type { Gender } from '../../platform/schema.ts';

/**
 * The 12-digit personal identification number: 3-digit old province code of birth registration,
 * a century/gender digit, the last two digits of the birth year, 6 random digits. No checksum.
 */

export type PersonalIdProblem =
  | 'personal_id.missing'
  | 'personal_id.old_cmnd'
  | 'personal_id.shape'
  | 'personal_id.province'
  | 'personal_id.gender_mismatch'
  | 'personal_id.century_mismatch'
  | 'personal_id.year_mismatch';

export type PersonalIdParse = { ok: true; value: string } | { ok: false; problem: PersonalIdProblem };

/**
 * Reads an ID as typed: spaces, dots and dashes removed; a number that lost its leading zeros
 * in Excel (10 or 11 digits; every real prefix starts with 0) is padded back to 12.
 */
export function parsePersonalId(raw: unknown): PersonalIdParse {
  if (raw === null || raw === undefined) return { ok: false, problem: 'personal_id.missing' };
  let text = typeof raw === 'number' ? (Number.isSafeInteger(raw) ? String(raw) : '') : String(raw);
  text = text.normalize('NFKC').replace(/^'/, '').replace(/[\s.\-_]/g, '');
  if (text === '') return { ok: false, problem: 'personal_id.missing' };
  if (!/^\d+$/.test(text)) return { ok: false, problem: 'personal_id.shape' };
  if (text.length === 9) return { ok: false, problem: 'personal_id.old_cmnd' };
  // Lost zeros: a number, or text that Excel turned from one; typed text already starting with 0 is just short.
  if ((text.length === 10 || text.length === 11) && (typeof raw === 'number' || !text.startsWith('0'))) text = text.padStart(12, '0');
  if (text.length !== 12) return { ok: false, problem: 'personal_id.shape' };
  if (!findOldProvince(text.slice(0, 3))) return { ok: false, problem: 'personal_id.province' };
  return { ok: true, value: text };
}

/** Century/gender digit for a birth year and gender (0/1 for 1900s, 2/3 for 2000s, …). */
export function centuryGenderDigit(birthYear: number, gender: Gender): number {
  const century = Math.floor(birthYear / 100) - 19;
  return century * 2 + (gender === 'female' ? 1 : 0);
}

/** Birth year range and gender encoded in a valid ID. */
export function decodePersonalId(id: string): { gender: Gender; century: number; yearSuffix: number } {
  const digit = Number(id[3]);
  return { gender: digit % 2 === 1 ? 'female' : 'male', century: 1900 + Math.floor(digit / 2) * 100, yearSuffix: Number(id.slice(4, 6)) };
}

/** Problems between an ID and the stated birth year and gender (empty when consistent). */
export function checkPersonalIdAgainst(id: string, birthYear: number | undefined, gender: Gender | undefined): PersonalIdProblem[] {
  const decoded = decodePersonalId(id);
  const problems: PersonalIdProblem[] = [];
  if (gender && decoded.gender !== gender) problems.push('personal_id.gender_mismatch');
  if (birthYear !== undefined) {
    if (Math.floor(birthYear / 100) * 100 !== decoded.century) problems.push('personal_id.century_mismatch');
    else if (birthYear % 100 !== decoded.yearSuffix) problems.push('personal_id.year_mismatch');
  }
  return problems;
}

/** Builds an ID from its parts (demo data, tests). */
export function composePersonalId(oldProvinceCode: string, birthYear: number, gender: Gender, serial: number): string {
  return `${oldProvinceCode}${centuryGenderDigit(birthYear, gender)}${String(birthYear % 100).padStart(2, '0')}${String(serial % 1_000_000).padStart(6, '0')}`;
}
