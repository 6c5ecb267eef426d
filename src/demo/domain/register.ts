import { daysFromCivil, isLeapYear, isoFromCivil, isoFromDays } from './days.ts';
import type { GeneratedMember, MemberFactory } from './members.ts';
import { flipTonePlacement } from './names.ts';
import { Random } from './random.ts';
import type { RegisterDiscrepancy, RegisterPerson } from './types.ts';

/**
 * The population register's view of the members: the same people, a few missing, and the
 * differences that cross-checking has to catch (about 6% of people in all).
 */

export const MISSING_RATE = 0.003;
/** Of the names that have an oa/oe/uy syllable with a tone mark, this share uses the other placement. */
const TONE_PLACEMENT_RATE = 0.2;
/** Absolute rates of the other differences, drawn in this order. */
const OTHER_RATES: [Exclude<RegisterDiscrepancy, 'tone_placement'>, number][] = [
  ['nfd', 0.013],
  ['typo', 0.007],
  ['swapped_day_month', 0.016],
  ['different_birth_date', 0.009],
  ['address_changed', 0.016],
];

const KEYBOARD_NEIGHBOURS: Record<string, string> = {
  q: 'wa', w: 'qe', e: 'wr', r: 'et', t: 'ry', y: 'tu', u: 'yi', i: 'uo', o: 'ip', p: 'o',
  a: 's', s: 'ad', d: 'sf', f: 'dg', g: 'fh', h: 'gj', j: 'hk', k: 'jl', l: 'k',
  z: 'x', x: 'zc', c: 'xv', v: 'cb', b: 'vn', n: 'bm', m: 'n',
};

export class RegisterFactory {
  private readonly random: Random;

  constructor(
    private readonly members: MemberFactory,
    seed: number,
  ) {
    this.random = new Random(seed, 3);
  }

  /** The register entry of a member, or null when the person is missing from the register. */
  entryFor({ member, commune }: GeneratedMember): RegisterPerson | null {
    const r = this.random;
    if (r.chance(MISSING_RATE)) return null;
    const person: RegisterPerson = {
      personalId: member.personalId,
      fullName: member.fullName,
      dateOfBirth: member.dateOfBirth,
      gender: member.gender,
      hometown: member.hometown,
      permanentAddress: member.permanentAddress,
      discrepancy: null,
    };
    const flipped = flipTonePlacement(member.fullName);
    if (flipped !== member.fullName && r.chance(TONE_PLACEMENT_RATE)) {
      return { ...person, fullName: flipped, discrepancy: 'tone_placement' };
    }
    let roll = r.next();
    const kind = OTHER_RATES.find(([, rate]) => (roll -= rate) < 0)?.[0];
    switch (kind) {
      case undefined:
        return person;
      case 'nfd': {
        const decomposed = member.fullName.normalize('NFD');
        return decomposed === member.fullName ? person : { ...person, fullName: decomposed, discrepancy: 'nfd' };
      }
      case 'typo': {
        const typo = withTypo(r, member.fullName);
        return typo === null ? person : { ...person, fullName: typo, discrepancy: 'typo' };
      }
      case 'swapped_day_month': {
        const [year, month, day] = member.dateOfBirth.split('-').map(Number) as [number, number, number];
        if (day > 12 || day === month) return person;
        return { ...person, dateOfBirth: isoFromCivil(year, day, month), discrepancy: 'swapped_day_month' };
      }
      case 'different_birth_date':
        return { ...person, dateOfBirth: otherDateInYear(r, member.dateOfBirth), discrepancy: 'different_birth_date' };
      case 'address_changed':
        return { ...person, permanentAddress: this.members.movedAddress(r, commune, member.permanentAddress), discrepancy: 'address_changed' };
    }
  }
}

/** The name with one letter (not a word's first) replaced by a neighbouring key; null if none can be. */
export function withTypo(random: Random, name: string): string | null {
  const chars = [...name];
  const candidates: number[] = [];
  chars.forEach((ch, i) => {
    if (i > 0 && chars[i - 1] !== ' ' && KEYBOARD_NEIGHBOURS[ch]) candidates.push(i);
  });
  if (candidates.length === 0) return null;
  const at = random.pick(candidates);
  chars[at] = random.pick([...KEYBOARD_NEIGHBOURS[chars[at]!]!]);
  return chars.join('');
}

/** A different date in the same year, so the ID number's year digits still match both. */
function otherDateInYear(random: Random, iso: string): string {
  const year = Number(iso.slice(0, 4));
  const start = daysFromCivil(year, 1, 1);
  const length = isLeapYear(year) ? 366 : 365;
  const current = daysFromCivil(year, Number(iso.slice(5, 7)), Number(iso.slice(8, 10))) - start;
  return isoFromDays(start + ((current + random.int(1, length - 1)) % length));
}
