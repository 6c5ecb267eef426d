import { oldCodesOf, PROVINCES, type Province } from '../../reference/provinces.ts';
import {
  communePlaceName,
  communeUnit,
  ethnicMixOf,
  MILITARY_CELLS,
  POLICE_CELLS,
  provincialAgencies,
  regionOf,
  residentialAreas,
  type Region,
  type UnitTemplate,
} from './places.ts';
import { Random, Weighted } from './random.ts';
import type { DemoCommune, DemoOrganisation } from './types.ts';

/**
 * The shape of a demo province: communes, the organisation tree, and how many members each cell
 * has. Small (one entry per cell), built eagerly; members are generated from it lazily.
 */

export const MIN_CELL = 5;
export const MAX_CELL = 60;
/** A grassroots organisation with this many members or more is a committee with subordinate cells. */
export const GRASSROOTS_COMMITTEE_MIN = 30;

export interface CommunePlan {
  commune: DemoCommune;
  /** "Đoàn Kết" */
  placeName: string;
  /** "xã Đoàn Kết", as in an address. */
  addressName: string;
  /** Old province code most people born here carry in their ID. */
  homeOldCode: string;
  /** Share of members from ethnic minorities. */
  minorityShare: number;
  /** "Thôn Nà Pàn", "Tổ dân phố 5"…; the first ones are the residential cells' areas. */
  areas: string[];
}

export interface CellPlan {
  key: string;
  /** Index of the commune the unit sits in. */
  commune: number;
  /** Index of the area of a residential cell; -1 for a workplace (members live anywhere nearby). */
  area: number;
  size: number;
}

export interface ProvincePlan {
  province: Province;
  /** "Lạng Sơn", "Hà Nội" */
  shortName: string;
  /** "tỉnh Lạng Sơn", "thành phố Hà Nội" */
  addressName: string;
  region: Region;
  communes: CommunePlan[];
  organisations: DemoOrganisation[];
  /** Cell-like units in organisation order, with their member counts. */
  cells: CellPlan[];
  /** Indices into `cells` of residential cells, to pick where someone lives. */
  residentialCells: number[];
}

const KIND_WORD: Record<DemoCommune['kind'], string> = { xa: 'xã', phuong: 'phường', dac_khu: 'đặc khu' };
const KIND_PREFIX = /^(xã|phường|đặc khu)\s+/iu;

// Skewed cell sizes: most cells have 15–35 members.
const CELL_SIZES = new Weighted(
  Array.from({ length: MAX_CELL - MIN_CELL + 1 }, (_, i) => {
    const size = MIN_CELL + i;
    return [size, size < 10 ? 1 : size < 15 ? 2.5 : size <= 35 ? 5 : size <= 45 ? 2 : 0.7] as const;
  }),
);
const MEAN_CELL = 27;

export function planProvince(province: Province, givenCommunes: DemoCommune[] | undefined, members: number, random: Random): ProvincePlan {
  const region = regionOf(province.code);
  const shortName = province.name.replace(/^Thành phố\s+/u, '');
  const provinceWord = province.kind === 'thanh_pho' ? 'thành phố' : 'tỉnh';
  const communes = givenCommunes ?? generateCommunes(random, province.code, region, Math.max(3, Math.round(members / 900)));
  const ethnic = ethnicMixOf(province.code);

  const homeOldCodes = assignHomeOldCodes(communes, oldCodesOf(province.code));
  const communePlans: CommunePlan[] = communes.map((commune, i) => {
    const placeName = commune.name.replace(KIND_PREFIX, '').trim();
    // Minorities cluster in some communes and are fewer in towns: vary the share on the logit scale.
    const logit = Math.log(ethnic.minorityShare / (1 - ethnic.minorityShare)) + 0.9 * random.normal() - (commune.kind === 'phuong' ? 1 : 0);
    return {
      commune,
      placeName,
      addressName: `${KIND_WORD[commune.kind]} ${placeName}`,
      homeOldCode: homeOldCodes[i]!,
      minorityShare: ethnic.minorityShare > 0 ? 1 / (1 + Math.exp(-logit)) : 0,
      areas: [],
    };
  });

  // The provincial committee already exists where the demo is loaded: top-level units have parentKey null.
  const rootKey = province.code;
  const organisations: DemoOrganisation[] = [];
  const cells: CellPlan[] = [];
  const residentialCells: number[] = [];

  const agencyBudget = members >= 200 ? Math.round(members * (0.04 + 0.02 * random.next())) : 0;
  const communeMembers = allocate(members - agencyBudget, communes.map((c) => communeWeight(random, c)));

  const addCell = (org: DemoOrganisation, commune: number, area: number, size: number) => {
    organisations.push(org);
    if (area >= 0) residentialCells.push(cells.length);
    cells.push({ key: org.key, commune, area, size });
  };

  /** `extraCells` are named cells placed in other communes (the commune police stations). */
  const addUnit = (parentKey: string | null, key: string, template: UnitTemplate, size: number, commune: number, extraCells: [string, number][] = []) => {
    const communeCode = communePlans[commune]!.commune.code;
    if (size < GRASSROOTS_COMMITTEE_MIN) {
      addCell({ key, parentKey, name: `Chi bộ ${template.name}`, kind: 'grassroots_cell', communeCode }, commune, -1, size);
      return;
    }
    const unit: DemoOrganisation = { key, parentKey, name: `Đảng bộ ${template.name}`, kind: 'grassroots_committee', communeCode };
    organisations.push(unit);
    const named: [string, number][] = [...template.cells.map((name) => [name, commune] as [string, number]), ...extraCells];
    splitIntoCells(random, size, 2).forEach((cellSize, i) => {
      const [name, cellCommune] = named[i] ?? [`${template.fallback} ${i - named.length + 1}`, commune];
      const cellCommuneCode = communePlans[cellCommune]!.commune.code;
      addCell({ key: `${key}.c${i + 1}`, parentKey: key, name: `Chi bộ ${name}`, kind: 'cell', communeCode: cellCommuneCode }, cellCommune, -1, cellSize);
    });
  };

  communePlans.forEach((plan, c) => {
    const committee: DemoOrganisation = {
      key: `${rootKey}.${plan.commune.code}`,
      parentKey: null,
      name: `Đảng bộ ${plan.addressName}`,
      kind: 'commune_committee',
      communeCode: plan.commune.code,
    };
    organisations.push(committee);
    const total = communeMembers[c]!;

    const unitSizes: number[] = [];
    if (total >= 150) {
      let remaining = Math.round(total * (0.04 + 0.12 * random.next()));
      while (remaining >= 6) {
        const large = remaining >= GRASSROOTS_COMMITTEE_MIN && random.chance(0.3);
        let size = large ? random.int(GRASSROOTS_COMMITTEE_MIN, Math.min(120, remaining)) : random.int(6, Math.min(29, remaining));
        if (remaining - size < 6) size = remaining;
        unitSizes.push(size);
        remaining -= size;
      }
    }
    const residential = total - unitSizes.reduce((a, b) => a + b, 0);
    const residentialSizes = residential >= MIN_CELL ? splitIntoCells(random, residential, 1) : residential > 0 ? [residential] : [];
    plan.areas = residentialAreas(random, Math.max(3, residentialSizes.length) + random.int(0, 3), region, plan.commune.kind, province.code);
    residentialSizes.forEach((size, i) => {
      const name = `Chi bộ ${lowerFirst(plan.areas[i]!)}`;
      addCell({ key: `${committee.key}.c${i + 1}`, parentKey: committee.key, name, kind: 'cell', communeCode: plan.commune.code }, c, i, size);
    });
    const taken = new Set<string>();
    unitSizes.forEach((size, i) => {
      let template = communeUnit(random, plan.placeName, size >= GRASSROOTS_COMMITTEE_MIN);
      for (let attempt = 0; taken.has(template.name) && attempt < 5; attempt++) template = communeUnit(random, plan.placeName, size >= GRASSROOTS_COMMITTEE_MIN);
      let name = template.name;
      for (let n = 2; taken.has(name); n++) name = `${template.name} số ${n}`;
      taken.add(name);
      addUnit(committee.key, `${committee.key}.u${i + 1}`, { ...template, name }, size, c);
    });
  });

  if (agencyBudget > 0) {
    const capital = Math.max(0, communes.findIndex((c) => c.kind === 'phuong'));
    const sizes: [UnitTemplate, number, number][] = [];
    const police: UnitTemplate = { name: `Công an ${provinceWord} ${shortName}`, cells: POLICE_CELLS, fallback: 'Đội' };
    let policeSize = agencyBudget;
    if (agencyBudget >= 40) {
      const military = Math.round(agencyBudget * 0.12);
      policeSize = Math.round(agencyBudget * 0.38);
      sizes.push([{ name: `Quân sự ${provinceWord} ${shortName}`, cells: MILITARY_CELLS, fallback: 'Đại đội' }, military, capital]);
      let rest = agencyBudget - policeSize - military;
      for (const template of provincialAgencies(random, shortName, provinceWord)) {
        if (rest < 8) break;
        let size = random.int(8, Math.min(150, rest));
        if (rest - size < 8) size = rest;
        sizes.push([template, size, random.chance(0.6) ? capital : random.int(0, communes.length - 1)]);
        rest -= size;
      }
      policeSize += rest;
    }
    sizes.unshift([police, policeSize, capital]);
    const communePolice = communePlans.map((plan, c): [string, number] => [`Công an ${plan.addressName}`, c]);
    sizes.forEach(([template, size, commune], i) => {
      addUnit(null, `${rootKey}.a${i + 1}`, template, size, commune, template === police ? communePolice : []);
    });
  }

  return { province, shortName, addressName: `${provinceWord} ${shortName}`, region, communes: communePlans, organisations, cells, residentialCells };
}

/** Member counts per commune, proportional to weights; a commune gets none or at least MIN_CELL. */
function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  // Largest remainders first; ties by index so the result never depends on sort stability.
  const order = exact.map((value, i) => [value - Math.floor(value), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left === 0) break;
    counts[i]!++;
    left--;
  }
  let largest = 0;
  counts.forEach((count, i) => {
    if (count > counts[largest]!) largest = i;
  });
  counts.forEach((count, i) => {
    if (i !== largest && count > 0 && count < MIN_CELL) {
      counts[largest]! += count;
      counts[i] = 0;
    }
  });
  return counts;
}

/** Relative size of a commune: log-normal, wards larger, special zones small. */
function communeWeight(random: Random, commune: DemoCommune): number {
  const base = Math.min(3, Math.max(0.45, Math.exp(0.55 * random.normal())));
  return base * (commune.kind === 'phuong' ? 1.3 : commune.kind === 'dac_khu' ? 0.4 : 1);
}

/** Sizes of cells for `total` members (total ≥ MIN_CELL), each within [MIN_CELL, MAX_CELL]. */
export function splitIntoCells(random: Random, total: number, minCells: number): number[] {
  const fewest = Math.ceil(total / MAX_CELL);
  const most = Math.floor(total / MIN_CELL);
  const count = Math.min(most, Math.max(fewest, minCells, Math.round(total / MEAN_CELL)));
  const sizes = Array.from({ length: count }, () => CELL_SIZES.sample(random));
  let diff = total - sizes.reduce((a, b) => a + b, 0);
  while (diff !== 0) {
    const i = random.int(0, count - 1);
    if (diff > 0 && sizes[i]! < MAX_CELL) {
      sizes[i]!++;
      diff--;
    } else if (diff < 0 && sizes[i]! > MIN_CELL) {
      sizes[i]!--;
      diff++;
    }
  }
  return sizes;
}

/**
 * The old province each commune mostly draws its births from. Official commune codes follow the
 * order of the old provinces, so contiguous blocks of codes are matched to old codes in order.
 */
function assignHomeOldCodes(communes: DemoCommune[], oldCodes: string[]): string[] {
  const byCode = communes.map((c, i) => [c.code, i] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  const result: string[] = new Array(communes.length);
  byCode.forEach(([, i], position) => {
    result[i] = oldCodes[Math.floor((position * oldCodes.length) / communes.length)]!;
  });
  return result;
}

/**
 * Official commune codes stop near 33000, so made-up communes take codes from 40000 up, in a
 * range per province: they can never clash with imported communes or another demo province.
 */
const GENERATED_CODES_START = 40_000;
const GENERATED_CODES_PER_PROVINCE = Math.floor((100_000 - GENERATED_CODES_START) / PROVINCES.length);

function generateCommunes(random: Random, provinceCode: string, region: Region, count: number): DemoCommune[] {
  const wards = Math.max(1, Math.round(count * 0.2));
  const taken = new Set<string>();
  const maxGap = Math.max(0, Math.min(11, Math.floor((GENERATED_CODES_PER_PROVINCE - count) / count)));
  let code = GENERATED_CODES_START + PROVINCES.findIndex((p) => p.code === provinceCode) * GENERATED_CODES_PER_PROVINCE - 1;
  return Array.from({ length: count }, (_, i) => {
    code += 1 + random.int(0, maxGap);
    let name = communePlaceName(random, region);
    for (let attempt = 0; taken.has(name) && attempt < 8; attempt++) name = communePlaceName(random, region);
    for (let n = 2; taken.has(name); n++) name = `${name.replace(/ \d+$/, '')} ${n}`;
    taken.add(name);
    const kind = i < wards ? 'phuong' : 'xa';
    return { code: String(code).padStart(5, '0'), name: `${kind === 'phuong' ? 'Phường' : 'Xã'} ${name}`, kind };
  });
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLocaleLowerCase('vi') + text.slice(1);
}
