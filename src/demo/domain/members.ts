import { findOldProvince, findProvince, OLD_PROVINCES, oldCodesOf, PROVINCES } from '../../reference/provinces.ts';
import { composePersonalId } from '../../members/domain/personal-id.ts';
import type { Gender } from '../../platform/schema.ts';
import { addYears, anniversary, civilFromDays, isoFromCivil, isoFromDays } from './days.ts';
import { flipTonePlacement, Namer } from './names.ts';
import { communePlaceName, ethnicMixOf, regionOf, surnameRegionOf } from './places.ts';
import { createPermutation, hash32, Random, Weighted } from './random.ts';
import type { CellPlan, ProvincePlan } from './structure.ts';
import type { DemoMember } from './types.ts';

/** Party members of a planned province, one at a time. */

export interface GeneratedMember {
  member: DemoMember;
  /** Index of the commune the member lives in. */
  commune: number;
}

const MIN_AGE = 18;
const MAX_AGE = 100;

// Party members are older than the population: many are 50–80.
const AGE_ANCHORS: [number, number][] = [
  [18, 0.15], [20, 0.45], [25, 0.9], [30, 1.1], [40, 1.1], [50, 1.3], [60, 1.6], [65, 1.7], [70, 1.5], [75, 1.2], [80, 0.8], [85, 0.45], [90, 0.2], [95, 0.06], [100, 0.015],
];
export const AGES = new Weighted(
  Array.from({ length: MAX_AGE - MIN_AGE + 1 }, (_, i) => {
    const age = MIN_AGE + i;
    const upper = AGE_ANCHORS.findIndex(([a]) => a >= age);
    const [a1, w1] = AGE_ANCHORS[Math.max(0, upper - 1)]!;
    const [a2, w2] = AGE_ANCHORS[upper]!;
    return [age, a2 === a1 ? w2 : w1 + ((w2 - w1) * (age - a1)) / (a2 - a1)] as const;
  }),
);

/** Men dominate among older members; the young are nearly balanced. */
export function maleShare(age: number): number {
  return age < 40 ? 0.5 : age < 60 ? 0.58 : age < 80 ? 0.68 : 0.72;
}

/** Probationary members were admitted within the last year, so they are mostly young. */
export function probationaryRate(age: number): number {
  return age < 30 ? 0.11 : age < 40 ? 0.035 : 0.0045;
}

export function homeVisitRate(age: number): number {
  return age >= 90 ? 0.6 : age >= 85 ? 0.4 : age >= 80 ? 0.2 : age >= 75 ? 0.05 : 0.005;
}

export function phoneRate(age: number): number {
  return age >= 80 ? 0.55 : age >= 70 ? 0.8 : 0.93;
}

const PHONE_PREFIXES = [
  '032', '033', '034', '035', '036', '037', '038', '039', '056', '058', '059', '070', '076', '077', '078', '079',
  '081', '082', '083', '084', '085', '086', '088', '089', '090', '091', '093', '094', '096', '097', '098',
];

const SERIALS = 1_000_000;
/**
 * Each province owns a slice of the 6-digit serials of every ID prefix, so demo provinces loaded
 * side by side never share an ID (up to this many members per prefix, far above real counts).
 */
const SERIAL_SLICE = Math.floor(SERIALS / PROVINCES.length);
const SERIAL_KEY = 0x5eed1d;
const OLD_INDEX = new Map(OLD_PROVINCES.map((p, i) => [p.code, i]));
const CENTURY_DIGITS = 20;
const YEARS_PER_CENTURY = 100;

export class MemberFactory {
  private readonly random: Random;
  private readonly namer: Namer;
  private readonly minorities: Weighted<string> | null;
  private readonly ownOldCodes: string[];
  private readonly otherOldCodes: string[];
  private readonly communesByOldCode = new Map<string, number[]>();
  /** "Thôn Nà Pàn, xã Đoàn Kết, tỉnh Lạng Sơn" per commune and area. */
  private readonly areaAddresses: string[][];
  /** "xã Đoàn Kết, tỉnh Lạng Sơn" per commune. */
  private readonly communeAddresses: string[];
  private readonly idCounters = new Int32Array(OLD_PROVINCES.length * CENTURY_DIGITS * YEARS_PER_CENTURY);
  private readonly idSerial = createPermutation(SERIALS, SERIAL_KEY);
  private readonly idSliceStart: number;
  private readonly cardSerial: (index: number) => number;
  private readonly recordSerial: (index: number) => number;
  private readonly recordLetters: string;
  private readonly latestOfficialAdmission: number;
  /** Birth dates (day numbers) that give each age on `today`: bornAfter[age] ≤ birth ≤ bornBy[age]. */
  private readonly bornAfter: Int32Array;
  private readonly bornBy: Int32Array;
  private officialCount = 0;
  private memberCount = 0;

  constructor(
    private readonly plan: ProvincePlan,
    private readonly seed: number,
    private readonly today: number,
  ) {
    this.random = new Random(seed, 2);
    this.namer = new Namer(surnameRegionOf(plan.region));
    this.minorities = ethnicMixOf(plan.province.code).minorities;
    this.ownOldCodes = oldCodesOf(plan.province.code);
    this.otherOldCodes = OLD_PROVINCES.filter((p) => p.provinceCode !== plan.province.code).map((p) => p.code);
    plan.communes.forEach((c, i) => {
      const list = this.communesByOldCode.get(c.homeOldCode) ?? [];
      list.push(i);
      this.communesByOldCode.set(c.homeOldCode, list);
    });
    this.communeAddresses = plan.communes.map((c) => `${c.addressName}, ${plan.addressName}`);
    this.areaAddresses = plan.communes.map((c, i) => c.areas.map((area) => `${area}, ${this.communeAddresses[i]}`));
    this.idSliceStart = PROVINCES.findIndex((p) => p.code === plan.province.code) * SERIAL_SLICE;
    this.cardSerial = createPermutation(SERIALS, hash32(seed, 0xca7d));
    this.recordSerial = createPermutation(SERIALS, hash32(seed, 0x7ec0));
    this.recordLetters = recordLetters(plan.shortName);
    this.latestOfficialAdmission = addYears(today, -1);
    this.bornAfter = new Int32Array(MAX_AGE + 1).map((_, age) => addYears(today, -(age + 1)) + 1);
    this.bornBy = new Int32Array(MAX_AGE + 1).map((_, age) => addYears(today, -age));
  }

  next(cell: CellPlan): GeneratedMember {
    const r = this.random;
    const age = AGES.sample(r);
    const birth = r.int(this.bornAfter[age]!, this.bornBy[age]!);
    const [birthYear, birthMonth, birthDay] = civilFromDays(birth);
    const gender = r.chance(maleShare(age)) ? 'male' : 'female';

    const [commune, area] = this.residence(cell);
    const communePlan = this.plan.communes[commune]!;
    const ethnicity = this.minorities && r.chance(communePlan.minorityShare) ? this.minorities.sample(r) : 'Kinh';
    let fullName = this.namer.fullName(r, ethnicity, gender, age);
    // Party files use both tone-mark placements ("Hòa" and "Hoà").
    if (r.chance(0.2)) fullName = flipTonePlacement(fullName);

    const roll = r.next();
    const oldCode = roll < 0.8 ? communePlan.homeOldCode : roll < 0.9 ? r.pick(this.ownOldCodes) : r.pick(this.otherOldCodes);
    const personalId = composePersonalId(oldCode, birthYear, gender, this.nextIdSerial(oldCode, birthYear, gender));

    const earliestAdmission = anniversary(birth, MIN_AGE);
    const probationary = earliestAdmission > this.latestOfficialAdmission || r.chance(probationaryRate(age));
    let admitted: number;
    let officialOn: string | null = null;
    let partyCardNumber: string | null = null;
    if (probationary) {
      admitted = r.int(Math.max(this.latestOfficialAdmission + 1, earliestAdmission), this.today);
    } else {
      const span = Math.min(this.latestOfficialAdmission - earliestAdmission, 25 * 365);
      admitted = earliestAdmission + Math.floor(r.next() ** 1.8 * (span + 1));
      officialOn = isoFromDays(addYears(admitted, 1));
      partyCardNumber = `${this.plan.province.code}${pad6(this.cardSerial(this.officialCount++))}`;
    }

    const member: DemoMember = {
      personalId,
      fullName,
      dateOfBirth: isoFromCivil(birthYear, birthMonth, birthDay),
      gender,
      hometown: this.hometown(oldCode, commune),
      permanentAddress: this.areaAddresses[commune]![area]!,
      temporaryAddress: r.chance(0.04) ? this.anyAddress() : null,
      ethnicity,
      admittedOn: isoFromDays(admitted),
      officialOn,
      partyCardNumber,
      recordNumber: `${pad6(this.recordSerial(this.memberCount++))}${this.recordLetters}`,
      status: probationary ? 'probationary' : 'official',
      organisationKey: cell.key,
      phone: r.chance(phoneRate(age)) ? `${r.pick(PHONE_PREFIXES)}${String(r.int(0, 9_999_999)).padStart(7, '0')}` : null,
      needsHomeVisit: r.chance(homeVisitRate(age)),
    };
    return { member, commune };
  }

  /** [commune, area] where a member of this cell lives. */
  private residence(cell: CellPlan): [number, number] {
    if (cell.area >= 0) return [cell.commune, cell.area];
    const r = this.random;
    if (this.plan.residentialCells.length === 0 || r.chance(0.6)) return [cell.commune, r.int(0, this.plan.communes[cell.commune]!.areas.length - 1)];
    const home = this.plan.cells[r.pick(this.plan.residentialCells)]!;
    return [home.commune, home.area];
  }

  /** Any address in the province: someone's temporary residence. */
  private anyAddress(): string {
    const r = this.random;
    const commune = r.int(0, this.plan.communes.length - 1);
    return r.pick(this.areaAddresses[commune]!);
  }

  /** Another address, mostly in the same commune: where someone moved. */
  movedAddress(random: Random, commune: number, current: string): string {
    const areas = this.areaAddresses[commune]!;
    for (let attempt = 0; attempt < 4; attempt++) {
      const candidates = random.chance(0.6) ? areas : this.areaAddresses[random.int(0, this.areaAddresses.length - 1)]!;
      const address = random.pick(candidates);
      if (address !== current) return address;
    }
    return areas.find((a) => a !== current) ?? `Tổ dân phố ${random.int(20, 40)}, ${this.communeAddresses[commune]}`;
  }

  /**
   * Quê quán at commune level. People registered at birth in another province come from there;
   * the others mostly from their own commune or one of the same old province.
   */
  private hometown(oldCode: string, commune: number): string {
    const r = this.random;
    const old = findOldProvince(oldCode)!;
    if (old.provinceCode !== this.plan.province.code) {
      const province = findProvince(old.provinceCode)!;
      const provinceAddress = `${province.kind === 'thanh_pho' ? 'thành phố' : 'tỉnh'} ${province.name.replace(/^Thành phố\s+/u, '')}`;
      return `xã ${communePlaceName(r, regionOf(province.code))}, ${provinceAddress}`;
    }
    if (r.chance(0.55)) return this.communeAddresses[commune]!;
    const candidates = this.communesByOldCode.get(oldCode);
    return this.communeAddresses[candidates ? r.pick(candidates) : r.int(0, this.communeAddresses.length - 1)]!;
  }

  private nextIdSerial(oldCode: string, birthYear: number, gender: Gender): number {
    const century = Math.floor(birthYear / 100) - 19;
    const slot = ((OLD_INDEX.get(oldCode)! * CENTURY_DIGITS + century * 2 + (gender === 'female' ? 1 : 0)) * YEARS_PER_CENTURY) + (birthYear % 100);
    const count = this.idCounters[slot]!++;
    // Start each prefix at its own place in the slice, so serials don't repeat across prefixes.
    const position = count < SERIAL_SLICE ? this.idSliceStart + ((count + (hash32(this.seed, slot) % SERIAL_SLICE)) % SERIAL_SLICE) : (this.idSliceStart + count) % SERIALS;
    return this.idSerial(position);
  }
}

function pad6(value: number): string {
  return String(value).padStart(6, '0');
}

/** Letters of a record number: initials of the province, "Lạng Sơn" → "LS", "Hồ Chí Minh" → "HCM". */
function recordLetters(shortName: string): string {
  return shortName
    .split(/\s+/)
    .map((word) => word.charAt(0).toLocaleUpperCase('vi'))
    .join('')
    .slice(0, 3);
}
