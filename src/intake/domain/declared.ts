/**
 * The member's declared data against their record: a declared value that is neither the record's nor the one a
 * correction gave it was changed without a trace of the old value. Pure.
 */
import { cleanText } from '../../common/text.ts';

export interface DeclaredCorrection {
  field: string;
  new: string | null;
  at: string;
}

const same = (a: unknown, b: unknown) => cleanText(a == null ? '' : String(a)) === cleanText(b == null ? '' : String(b));

/** Fields of `data` whose value differs from the record without a correction to that value (the last one counts). */
export function uncorrectedChanges(record: Readonly<Record<string, unknown>>, data: Readonly<Record<string, unknown>>, corrections: readonly DeclaredCorrection[]): string[] {
  const last = new Map<string, DeclaredCorrection>();
  for (const c of [...corrections].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) last.set(c.field, c);
  return Object.entries(data)
    .filter(([field, value]) => {
      const corrected = last.get(field);
      return corrected ? !same(value, corrected.new) : !same(value, record[field]);
    })
    .map(([field]) => field);
}
