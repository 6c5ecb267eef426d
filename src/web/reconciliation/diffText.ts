import { diffChars, diffWordsWithSpace, type ChangeObject } from 'diff';
/**
 * The side-by-side view of one difference: which parts of the party value and of the register value differ.
 * Both are compared in NFC, so a precomposed "Hòa" and a decomposed one are the same text, and Hòa / Hoà
 * (the tone on another vowel) still shows the two letters that differ.
 */

export interface Segment {
  text: string;
  /** Not in the other value: shown highlighted (<mark>). */
  changed: boolean;
}

export interface SideBySide {
  party: Segment[];
  population: Segment[];
}

/**
 * chars: names; date: dd/mm/yyyy or a bare year, digit by digit in place (a swapped day and month, one wrong digit);
 * words: addresses (a changed commune, not scattered letters); whole: a value like gender.
 */
export type DiffMode = 'chars' | 'date' | 'words' | 'whole';

function push(list: Segment[], text: string, changed: boolean): void {
  if (text === '') return;
  const last = list[list.length - 1];
  if (last && last.changed === changed) last.text += text;
  else list.push({ text, changed });
}

function whole(party: string, population: string): SideBySide {
  const changed = party !== population;
  const side = (text: string): Segment[] => (text === '' ? [] : [{ text, changed }]);
  return { party: side(party), population: side(population) };
}

const SHOWN_DATE = /^(\d{2}\/\d{2}\/)?\d{4}$/;

/** Digits in the same place compared one to one; the day and month a bare year lacks are highlighted on the other side. */
function positional(a: string, b: string): Segment[] {
  const list: Segment[] = [];
  for (let i = 0; i < a.length; i++) push(list, a[i]!, a[i] !== b[i]);
  return list;
}

function diffDates(party: string, population: string): SideBySide | null {
  if (!SHOWN_DATE.test(party) || !SHOWN_DATE.test(population)) return null;
  const split = (text: string) => ({ dayMonth: text.slice(0, text.length - 4), year: text.slice(-4) });
  const p = split(party);
  const r = split(population);
  const side = (own: typeof p, other: typeof p): Segment[] => {
    const list: Segment[] = [];
    if (own.dayMonth !== '') {
      if (other.dayMonth === '') push(list, own.dayMonth, true);
      else for (const segment of positional(own.dayMonth, other.dayMonth)) push(list, segment.text, segment.changed);
    }
    for (const segment of positional(own.year, other.year)) push(list, segment.text, segment.changed);
    return list;
  };
  return { party: side(p, r), population: side(r, p) };
}

export function diffSegments(partyValue: string, populationValue: string, mode: DiffMode = 'chars'): SideBySide {
  const party = partyValue.normalize('NFC');
  const population = populationValue.normalize('NFC');
  if (mode === 'whole' || party === '' || population === '') return whole(party, population);
  if (mode === 'date') {
    const dates = diffDates(party, population);
    if (dates) return dates;
  }
  const changes: ChangeObject<string>[] = mode === 'words' ? diffWordsWithSpace(party, population) : diffChars(party, population);
  const result: SideBySide = { party: [], population: [] };
  for (const change of changes) {
    if (change.added) push(result.population, change.value, true);
    else if (change.removed) push(result.party, change.value, true);
    else {
      push(result.party, change.value, false);
      push(result.population, change.value, false);
    }
  }
  return result;
}

/** The text a list of segments spells (for tests and accessible labels). */
export const segmentsText = (segments: readonly Segment[]): string => segments.map((s) => s.text).join('');
