/**
 * New card numbers (decision 0017): "PP.YYYY.NNNNNN-K" — the issuing province's code, the year of issue, a serial
 * within that province and year, and a Damm check digit over the twelve digits before it, which catches every
 * single wrong digit and every swap of two adjacent digits when a number is typed or read out.
 */
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
] as const;

function dammDigit(digits: string): number {
  let interim = 0;
  for (const c of digits) interim = DAMM[interim]![Number(c)]!;
  return interim;
}

export interface CardNumberParts {
  provinceCode: string;
  year: number;
  serial: number;
}

const validParts = (p: CardNumberParts) =>
  /^\d{2}$/.test(p.provinceCode) && Number.isInteger(p.year) && p.year >= 2025 && p.year <= 9999 && Number.isInteger(p.serial) && p.serial >= 1 && p.serial <= 999_999;

export function formatCardNumber(parts: CardNumberParts): string {
  if (!validParts(parts)) throw new RangeError(`not a card number: ${JSON.stringify(parts)}`);
  const digits = `${parts.provinceCode}${parts.year}${String(parts.serial).padStart(6, '0')}`;
  return `${digits.slice(0, 2)}.${digits.slice(2, 6)}.${digits.slice(6)}-${dammDigit(digits)}`;
}

export type CardNumberParse = { ok: true; parts: CardNumberParts; text: string } | { ok: false; problem: 'format' | 'check_digit' };

/** Reads a typed or scanned number; spaces and the separators may be left out ("6820260001237"). */
export function parseCardNumber(input: string): CardNumberParse {
  const compact = input.replace(/[\s.\-]/g, '');
  if (!/^\d{13}$/.test(compact)) return { ok: false, problem: 'format' };
  const parts = { provinceCode: compact.slice(0, 2), year: Number(compact.slice(2, 6)), serial: Number(compact.slice(6, 12)) };
  if (!validParts(parts)) return { ok: false, problem: 'format' };
  if (dammDigit(compact.slice(0, 12)) !== Number(compact[12])) return { ok: false, problem: 'check_digit' };
  return { ok: true, parts, text: formatCardNumber(parts) };
}
