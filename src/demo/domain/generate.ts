import { findProvince } from '../../reference/provinces.ts';
import { daysFromIso } from './days.ts';
import { MemberFactory, type GeneratedMember } from './members.ts';
import { Random } from './random.ts';
import { RegisterFactory } from './register.ts';
import { planProvince, type ProvincePlan } from './structure.ts';
import type { DemoCommune, DemoOptions, DemoProvince, RegisterPerson } from './types.ts';

export type * from './types.ts';

export const DEFAULT_DEMO_TODAY = '2025-08-10';
export const MAX_DEMO_MEMBERS = 1_000_000;

/**
 * A realistic demo province: communes, the party organisation tree, members and their population
 * register entries. Pure and deterministic: the same options give the same data, and members are
 * generated lazily so a million of them never sit in memory at once.
 */
export function generateDemoProvince(options: DemoOptions): DemoProvince {
  const province = findProvince(options.provinceCode);
  if (!province) throw new RangeError(`unknown province code ${options.provinceCode}`);
  if (!Number.isSafeInteger(options.members) || options.members < 0 || options.members > MAX_DEMO_MEMBERS) {
    throw new RangeError(`members must be an integer from 0 to ${MAX_DEMO_MEMBERS}`);
  }
  if (!Number.isSafeInteger(options.seed)) throw new RangeError('seed must be a safe integer');
  if (options.communes) checkCommunes(options.communes);
  const today = daysFromIso(options.today ?? DEFAULT_DEMO_TODAY);
  const { seed } = options;
  const plan = planProvince(province, options.communes?.map((c) => ({ ...c })), options.members, new Random(seed, 1));

  return {
    communes: plan.communes.map((c) => c.commune),
    organisations: plan.organisations,
    memberCount: options.members,
    *members() {
      for (const { member } of generateMembers(new MemberFactory(plan, seed, today), plan)) yield member;
    },
    *register(): Generator<RegisterPerson> {
      const members = new MemberFactory(plan, seed, today);
      const register = new RegisterFactory(members, seed);
      for (const generated of generateMembers(members, plan)) {
        const entry = register.entryFor(generated);
        if (entry) yield entry;
      }
    },
  };
}

function* generateMembers(factory: MemberFactory, plan: ProvincePlan): Generator<GeneratedMember> {
  for (const cell of plan.cells) {
    for (let i = 0; i < cell.size; i++) yield factory.next(cell);
  }
}

function checkCommunes(communes: DemoCommune[]): void {
  if (communes.length === 0) throw new RangeError('communes, when given, must not be empty');
  const codes = new Set<string>();
  for (const commune of communes) {
    if (!/^\d{5}$/.test(commune.code)) throw new RangeError(`commune code ${commune.code} is not 5 digits`);
    if (codes.has(commune.code)) throw new RangeError(`commune code ${commune.code} appears twice`);
    if (!['xa', 'phuong', 'dac_khu'].includes(commune.kind)) throw new RangeError(`commune kind ${commune.kind}`);
    codes.add(commune.code);
  }
}
