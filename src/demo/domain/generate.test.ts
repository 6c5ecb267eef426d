import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanName, toneKey } from '../../common/text.ts';
import { checkPersonalIdAgainst, parsePersonalId } from '../../members/domain/personal-id.ts';
import { findOldProvince, PROVINCES } from '../../reference/provinces.ts';
import { addYears, ageOn, anniversary, daysFromIso, isoFromDays } from './days.ts';
import { generateDemoProvince, type DemoCommune, type DemoMember, type DemoOptions, type DemoProvince, type RegisterPerson } from './generate.ts';
import { Random } from './random.ts';
import { MAX_CELL, MIN_CELL, splitIntoCells } from './structure.ts';

const CELL_LIKE = new Set(['cell', 'grassroots_cell']);

/** A few communes as an imported code list gives them (names with their prefix). */
const LANG_SON_COMMUNES: DemoCommune[] = [
  { code: '05977', name: 'Phường Đông Kinh', kind: 'phuong' },
  { code: '05983', name: 'Phường Lương Văn Tri', kind: 'phuong' },
  { code: '06001', name: 'Xã Đoàn Kết', kind: 'xa' },
  { code: '06004', name: 'Xã Quốc Khánh', kind: 'xa' },
  { code: '06019', name: 'Xã Tân Tiến', kind: 'xa' },
  { code: '06040', name: 'Xã Thất Khê', kind: 'xa' },
  { code: '06112', name: 'Xã Bình Gia', kind: 'xa' },
  { code: '06124', name: 'Xã Na Sầm', kind: 'xa' },
];

interface Generated {
  demo: DemoProvince;
  members: DemoMember[];
  register: RegisterPerson[];
}

function generate(options: DemoOptions): Generated {
  const demo = generateDemoProvince(options);
  return { demo, members: [...demo.members()], register: [...demo.register()] };
}

/**
 * Every structural and per-member rule. Checks collect problems in plain code and assert once:
 * an `expect` per member field would dominate the run time.
 */
function expectValidProvince({ demo, members }: Generated, options: DemoOptions): void {
  const problems: string[] = [];
  const check = (ok: boolean, problem: () => string) => {
    if (!ok && problems.length < 20) problems.push(problem());
  };
  const today = daysFromIso(options.today ?? '2025-08-10');
  const lastYear = addYears(today, -1);
  const organisations = new Map<string, (typeof demo.organisations)[number]>();
  for (const org of demo.organisations) {
    check(!organisations.has(org.key), () => `duplicate key ${org.key}`);
    if (org.parentKey === null) check(['commune_committee', 'grassroots_committee', 'grassroots_cell'].includes(org.kind), () => `${org.key} at the top`);
    else check(organisations.has(org.parentKey), () => `${org.key} before its parent`);
    if (org.kind === 'cell') {
      const parentKind = organisations.get(org.parentKey ?? '')?.kind ?? 'none';
      check(['commune_committee', 'grassroots_committee'].includes(parentKind), () => `cell ${org.key} under ${parentKind}`);
    }
    organisations.set(org.key, org);
  }
  check(demo.organisations.filter((o) => o.kind === 'commune_committee').length === demo.communes.length, () => 'one committee per commune');
  check(members.length === options.members && demo.memberCount === options.members, () => `member count ${members.length}`);

  const cellSizes = new Map<string, number>();
  const ids = new Set<string>();
  const cards = new Set<string>();
  const records = new Set<string>();
  const cardPattern = new RegExp(`^${options.provinceCode}\\d{6}$`);
  const addressPattern = /^(Thôn|Tổ dân phố|Khu phố|Ấp|Bản|Buôn|Làng) .+, (xã|phường|đặc khu) .+, (tỉnh|thành phố) .+$/u;
  const hometownPattern = /^(xã|phường|đặc khu) .+, (tỉnh|thành phố) .+$/u;
  for (const m of members) {
    const who = `${m.personalId} ${m.fullName}`;
    const org = organisations.get(m.organisationKey);
    check(org !== undefined && CELL_LIKE.has(org.kind), () => `${who}: ${m.organisationKey} is not a cell`);
    cellSizes.set(m.organisationKey, (cellSizes.get(m.organisationKey) ?? 0) + 1);

    const parsed = parsePersonalId(m.personalId);
    check(parsed.ok && parsed.value === m.personalId, () => `${who}: ID does not parse`);
    const idProblems = checkPersonalIdAgainst(m.personalId, Number(m.dateOfBirth.slice(0, 4)), m.gender);
    check(idProblems.length === 0, () => `${who}: ${idProblems.join(', ')}`);
    ids.add(m.personalId);

    const birth = daysFromIso(m.dateOfBirth);
    const age = ageOn(birth, today);
    check(age >= 18 && age <= 100, () => `${who}: age ${age}`);
    const admitted = daysFromIso(m.admittedOn);
    check(admitted >= anniversary(birth, 18) && admitted <= today, () => `${who}: admitted ${m.admittedOn}`);
    if (m.status === 'official') {
      check(m.officialOn === isoFromDays(addYears(admitted, 1)) && daysFromIso(m.officialOn) <= today, () => `${who}: official on ${m.officialOn}`);
      check(cardPattern.test(m.partyCardNumber ?? ''), () => `${who}: card ${m.partyCardNumber}`);
      cards.add(m.partyCardNumber!);
    } else {
      check(m.officialOn === null && m.partyCardNumber === null && admitted > lastYear, () => `${who}: probationary since ${m.admittedOn}`);
    }
    check(/^\d{6}\p{Lu}{1,3}$/u.test(m.recordNumber), () => `${who}: record ${m.recordNumber}`);
    records.add(m.recordNumber);
    check(m.phone === null || /^0[35789]\d{8}$/.test(m.phone), () => `${who}: phone ${m.phone}`);
    check(cleanName(m.fullName) === m.fullName, () => `${who}: name not clean`);
    check(addressPattern.test(m.permanentAddress), () => `${who}: address ${m.permanentAddress}`);
    check(hometownPattern.test(m.hometown), () => `${who}: hometown ${m.hometown}`);
  }
  check(ids.size === members.length, () => 'IDs repeat');
  check(cards.size === members.filter((m) => m.status === 'official').length, () => 'card numbers repeat');
  check(records.size === members.length, () => 'record numbers repeat');
  if (options.members >= MIN_CELL) {
    for (const [key, size] of cellSizes) check(size >= MIN_CELL && size <= MAX_CELL, () => `cell ${key} has ${size}`);
  }
  const committeeSizes = new Map<string, number>();
  for (const org of demo.organisations) {
    if (CELL_LIKE.has(org.kind)) check(cellSizes.has(org.key), () => `${org.key} has no members`);
    if (org.kind === 'grassroots_cell') check((cellSizes.get(org.key) ?? 0) < 30, () => `${org.key} has 30 or more`);
    if (org.kind === 'cell' && organisations.get(org.parentKey ?? '')?.kind === 'grassroots_committee') {
      committeeSizes.set(org.parentKey!, (committeeSizes.get(org.parentKey!) ?? 0) + (cellSizes.get(org.key) ?? 0));
    }
  }
  for (const org of demo.organisations.filter((o) => o.kind === 'grassroots_committee')) {
    check((committeeSizes.get(org.key) ?? 0) >= 30, () => `${org.key} has fewer than 30`);
  }
  expect(problems).toEqual([]);
}

function expectConsistentRegister({ members, register }: Generated): void {
  const problems: string[] = [];
  const byId = new Map(members.map((m) => [m.personalId, m]));
  for (const person of register) {
    const m = byId.get(person.personalId);
    if (!m) {
      problems.push(`${person.personalId} is not a member`);
      continue;
    }
    const sameName = person.fullName === m.fullName;
    const sameBirth = person.dateOfBirth === m.dateOfBirth;
    const sameAddress = person.permanentAddress === m.permanentAddress;
    const [y, mo, d] = m.dateOfBirth.split('-');
    const a = [...person.fullName];
    const b = [...m.fullName];
    const expected: Record<string, boolean> = {
      null: sameName && sameBirth && sameAddress,
      tone_placement: !sameName && toneKey(person.fullName) === toneKey(m.fullName) && person.fullName.normalize('NFC') === person.fullName && sameBirth && sameAddress,
      nfd: !sameName && person.fullName.normalize('NFC') === m.fullName && sameBirth && sameAddress,
      typo: a.length === b.length && a.filter((ch, i) => ch !== b[i]).length === 1 && sameBirth && sameAddress,
      swapped_day_month: !sameBirth && person.dateOfBirth === `${y}-${d}-${mo}` && sameName && sameAddress,
      different_birth_date: !sameBirth && person.dateOfBirth.slice(0, 4) === y && isoFromDays(daysFromIso(person.dateOfBirth)) === person.dateOfBirth && sameName && sameAddress,
      address_changed: !sameAddress && sameName && sameBirth,
    };
    const consistent = expected[String(person.discrepancy)] && person.gender === m.gender && person.hometown === m.hometown;
    if (!consistent && problems.length < 20) problems.push(`${person.discrepancy}: ${JSON.stringify(person)} vs ${JSON.stringify(m)}`);
  }
  expect(problems).toEqual([]);
}

describe('generateDemoProvince', () => {
  const options: DemoOptions = { provinceCode: '01', members: 60_000, seed: 1 };
  const big = generate(options);
  const { members, register } = big;
  const share = (predicate: (m: DemoMember) => boolean, list = members) => list.filter(predicate).length / list.length;

  it('builds a valid province', () => {
    expectValidProvince(big, options);
    expectConsistentRegister(big);
  });

  it('makes about one commune per 900 members, with varied sizes', () => {
    expect(big.demo.communes).toHaveLength(67);
    expect(big.demo.communes.every((c) => /^\d{5}$/.test(c.code) && /^(Xã|Phường) \p{Lu}/u.test(c.name))).toBe(true);
    // Made-up codes stay clear of the official ones (which stop near 33000).
    expect(big.demo.communes.every((c) => Number(c.code) >= 40_000)).toBe(true);
    const perCommune = new Map<string, number>();
    for (const m of members) {
      const key = m.organisationKey.split('.').slice(0, 2).join('.');
      if (!key.includes('.a')) perCommune.set(key, (perCommune.get(key) ?? 0) + 1);
    }
    const sizes = [...perCommune.values()];
    expect(Math.min(...sizes)).toBeGreaterThan(200);
    expect(Math.max(...sizes)).toBeLessThan(3500);
    expect(Math.max(...sizes) / Math.min(...sizes)).toBeGreaterThan(3);
  });

  it('names units as party organisations are named', () => {
    const names = big.demo.organisations.map((o) => o.name);
    expect(names.filter((n) => /^Đảng bộ (xã|phường) /u.test(n))).toHaveLength(67);
    expect(names).toContain('Đảng bộ Công an thành phố Hà Nội');
    expect(names.some((n) => /^Chi bộ tổ dân phố \d+$/u.test(n))).toBe(true);
    expect(names.some((n) => /^Chi bộ thôn \p{Lu}/u.test(n))).toBe(true);
    expect(names.some((n) => /^Đảng bộ Trường THPT /u.test(n))).toBe(true);
    const kinds = new Set(big.demo.organisations.map((o) => o.kind));
    expect([...kinds].sort()).toEqual(['cell', 'commune_committee', 'grassroots_cell', 'grassroots_committee']);
  });

  it('puts about 5% of members in provincial agencies', () => {
    const agencies = share((m) => /^01\.a\d/.test(m.organisationKey));
    expect(agencies).toBeGreaterThan(0.035);
    expect(agencies).toBeLessThan(0.065);
  });

  it('has realistic shares', () => {
    const today = daysFromIso('2025-08-10');
    const age = (m: DemoMember) => ageOn(daysFromIso(m.dateOfBirth), today);
    expect(share((m) => m.status === 'probationary')).toBeCloseTo(0.02, 2);
    expect(share((m) => m.needsHomeVisit)).toBeGreaterThan(0.022);
    expect(share((m) => m.needsHomeVisit)).toBeLessThan(0.04);
    expect(share((m) => age(m) >= 75, members.filter((m) => m.needsHomeVisit))).toBeGreaterThan(0.6);
    expect(share((m) => m.phone !== null)).toBeGreaterThan(0.82);
    expect(share((m) => m.phone !== null)).toBeLessThan(0.92);
    expect(share((m) => m.gender === 'male')).toBeGreaterThan(0.57);
    expect(share((m) => m.gender === 'male')).toBeLessThan(0.63);
    expect(share((m) => m.gender === 'male', members.filter((m) => age(m) < 35))).toBeLessThan(0.53);
    expect(share((m) => age(m) >= 50 && age(m) <= 80)).toBeGreaterThan(0.45);
    expect(share((m) => m.temporaryAddress !== null)).toBeLessThan(0.06);
    const kinh = members.filter((m) => m.ethnicity === 'Kinh');
    expect(kinh.length / members.length).toBeGreaterThan(0.98);
    const nguyen = share((m) => m.fullName.startsWith('Nguyễn '), kinh);
    expect(nguyen).toBeGreaterThan(0.36);
    expect(nguyen).toBeLessThan(0.4);
  });

  it('takes most ID prefixes from the province and about 10% from elsewhere', () => {
    expect(share((m) => findOldProvince(m.personalId.slice(0, 3))?.provinceCode === '01')).toBeCloseTo(0.9, 1);
  });

  it('leaves about 0.3% of members out of the register and gives about 6% a discrepancy', () => {
    const missing = 1 - register.length / members.length;
    expect(missing).toBeGreaterThan(0.0015);
    expect(missing).toBeLessThan(0.005);
    const kinds = new Map<string, number>();
    for (const person of register) kinds.set(String(person.discrepancy), (kinds.get(String(person.discrepancy)) ?? 0) + 1);
    for (const kind of ['tone_placement', 'nfd', 'typo', 'swapped_day_month', 'different_birth_date', 'address_changed']) {
      expect(kinds.get(kind) ?? 0, kind).toBeGreaterThan(register.length * 0.002);
    }
    const discrepant = 1 - (kinds.get('null') ?? 0) / register.length;
    expect(discrepant).toBeGreaterThan(0.045);
    expect(discrepant).toBeLessThan(0.075);
  });

  it('gives the same data every time and for every call', () => {
    const again = generateDemoProvince({ ...options, members: 3000 });
    const once = generateDemoProvince({ ...options, members: 3000 });
    expect(again.organisations).toEqual(once.organisations);
    expect([...again.members()]).toEqual([...once.members()]);
    expect([...again.members()]).toEqual([...again.members()]);
    expect([...again.register()]).toEqual([...once.register()]);
  });

  it('gives different data for another seed', () => {
    const a = [...generateDemoProvince({ ...options, members: 500 }).members()];
    const b = [...generateDemoProvince({ ...options, members: 500, seed: 2 }).members()];
    expect(a.map((m) => m.fullName)).not.toEqual(b.map((m) => m.fullName));
    expect(a.map((m) => m.personalId)).not.toEqual(b.map((m) => m.personalId));
  });

  it('never repeats a made-up commune code between provinces', () => {
    const codesOf = (provinceCode: string, members: number) => generateDemoProvince({ provinceCode, members, seed: 1 }).communes.map((c) => c.code);
    const codes = PROVINCES.flatMap((p) => codesOf(p.code, 200_000));
    expect(new Set(codes).size).toBe(codes.length);
    // The most communes a province can have still fit its own range.
    const largest = codesOf('96', 1_000_000);
    expect(largest).toHaveLength(1111);
    const others = new Set(PROVINCES.filter((p) => p.code !== '96').flatMap((p) => codesOf(p.code, 200_000)));
    expect(largest.every((code) => !others.has(code) && Number(code) < 100_000)).toBe(true);
  });

  it('never repeats an ID between provinces loaded side by side', () => {
    const ids = new Set<string>();
    let count = 0;
    for (const provinceCode of ['01', '79', '40', '38']) {
      for (const m of generateDemoProvince({ provinceCode, members: 20_000, seed: 1 }).members()) {
        ids.add(m.personalId);
        count++;
      }
    }
    expect(ids.size).toBe(count);
  });
});

describe('generateDemoProvince with an imported commune list', () => {
  const options: DemoOptions = { provinceCode: '20', members: 8000, seed: 3, communes: LANG_SON_COMMUNES };
  const generated = generate(options);

  it('uses the communes as given', () => {
    expectValidProvince(generated, options);
    expectConsistentRegister(generated);
    expect(generated.demo.communes).toEqual(LANG_SON_COMMUNES);
    const names = generated.demo.organisations.map((o) => o.name);
    expect(names).toContain('Đảng bộ phường Đông Kinh');
    expect(names).toContain('Đảng bộ xã Thất Khê');
    expect(generated.members.some((m) => m.permanentAddress.endsWith(', xã Na Sầm, tỉnh Lạng Sơn'))).toBe(true);
    expect(new Set(generated.demo.organisations.map((o) => o.communeCode))).toEqual(new Set(LANG_SON_COMMUNES.map((c) => c.code)));
  });

  it('has the peoples of the province', () => {
    const ethnicities = new Set(generated.members.map((m) => m.ethnicity));
    for (const people of ['Kinh', 'Tày', 'Nùng', 'Dao']) expect(ethnicities).toContain(people);
    expect(generated.members.filter((m) => m.ethnicity === 'Kinh').length / generated.members.length).toBeLessThan(0.4);
    expect(generated.members.every((m) => m.recordNumber.endsWith('LS'))).toBe(true);
  });
});

describe('generateDemoProvince properties', () => {
  it('keeps every rule for any province, seed, size and day', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVINCES.map((p) => p.code)),
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.integer({ min: 0, max: 2500 }),
        fc.integer({ min: daysFromIso('2024-01-01'), max: daysFromIso('2040-12-31') }),
        fc.boolean(),
        (provinceCode, seed, size, todayDays, withCommunes) => {
          const today = new Date(todayDays * 86_400_000).toISOString().slice(0, 10);
          const options: DemoOptions = { provinceCode, seed, members: size, today, communes: withCommunes ? LANG_SON_COMMUNES : undefined };
          const generated = generate(options);
          expectValidProvince(generated, options);
          expectConsistentRegister(generated);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('is deterministic for any seed', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 0, max: 400 }), (seed, size) => {
        const a = generateDemoProvince({ provinceCode: '68', members: size, seed });
        const b = generateDemoProvince({ provinceCode: '68', members: size, seed });
        expect(b.organisations).toEqual(a.organisations);
        expect([...b.members()]).toEqual([...a.members()]);
        expect([...b.register()]).toEqual([...a.register()]);
      }),
      { numRuns: 15 },
    );
  });

  it('splits any number of members into cells of 5 to 60', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: MIN_CELL, max: 5000 }), fc.integer({ min: 1, max: 2 }), (seed, total, minCells) => {
        const sizes = splitIntoCells(new Random(seed), total, minCells);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
        expect(sizes.every((s) => s >= MIN_CELL && s <= MAX_CELL)).toBe(true);
        if (total >= 2 * MIN_CELL) expect(sizes.length).toBeGreaterThanOrEqual(minCells);
      }),
    );
  });
});

describe('generateDemoProvince edge cases', () => {
  it('puts a handful of members in one cell and none in an empty province', () => {
    const tiny = generateDemoProvince({ provinceCode: '12', members: 3, seed: 1 });
    const tinyMembers = [...tiny.members()];
    expect(tinyMembers).toHaveLength(3);
    expect(new Set(tinyMembers.map((m) => m.organisationKey)).size).toBe(1);
    const empty = generateDemoProvince({ provinceCode: '12', members: 0, seed: 1 });
    expect([...empty.members()]).toEqual([]);
    expect(empty.organisations.every((o) => o.kind === 'commune_committee')).toBe(true);
    expect(empty.communes).toHaveLength(3);
  });

  it('rejects bad options', () => {
    expect(() => generateDemoProvince({ provinceCode: '99', members: 10, seed: 1 })).toThrow(RangeError);
    expect(() => generateDemoProvince({ provinceCode: '01', members: -1, seed: 1 })).toThrow(RangeError);
    expect(() => generateDemoProvince({ provinceCode: '01', members: 1.5, seed: 1 })).toThrow(RangeError);
    expect(() => generateDemoProvince({ provinceCode: '01', members: 10, seed: 0.5 })).toThrow(RangeError);
    expect(() => generateDemoProvince({ provinceCode: '01', members: 10, seed: 1, today: '10/08/2025' })).toThrow(RangeError);
    expect(() => generateDemoProvince({ provinceCode: '01', members: 10, seed: 1, communes: [] })).toThrow(RangeError);
    const twice = [LANG_SON_COMMUNES[0]!, LANG_SON_COMMUNES[0]!];
    expect(() => generateDemoProvince({ provinceCode: '20', members: 10, seed: 1, communes: twice })).toThrow(RangeError);
  });
});
