/**
 * Test support for the scheduler's tests (imported by *.test.ts only): random small instances and the checks
 * every plan must pass.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { addDays, buildSlotDetails, slotKey } from './slots.ts';
import type { Appointment, CellDemand, IntakePoint, Plan, PlanInput, PointSettings, ShiftKey, ShiftSpec } from './types.ts';

export const SHIFTS: Record<ShiftKey, ShiftSpec> = {
  morning: { key: 'morning', start: '07:30', end: '11:30' },
  afternoon: { key: 'afternoon', start: '13:30', end: '17:00' },
  evening: { key: 'evening', start: '18:00', end: '21:00' },
};

export function point(id: string, communeCode: string, over: Partial<PointSettings> & { operator?: IntakePoint['operator']; closedOn?: string[]; from?: string } = {}): IntakePoint {
  const { operator = 'commune', closedOn = [], from = '2025-09-08', ...settings } = over;
  return {
    id,
    name: id,
    communeCode,
    operator,
    settings: [{ from, kits: 1, recordsPerKitHour: 12, shifts: [SHIFTS.morning, SHIFTS.afternoon], openWeekdays: [1, 2, 3, 4, 5], ...settings }],
    closedOn,
  };
}

export const cell = (cellId: string, communeCode: string | null, members: number, level: CellDemand['level'] = 'commune'): CellDemand => ({ cellId, communeCode, level, members });

/** Monday. */
export const START = '2025-09-08';

export interface InstanceOptions {
  /** Every point opens Monday to Friday, at most one closure, at most one holiday in 3+ days: advice can always help. */
  fixable?: boolean;
}

/** Small random provinces: 1–6 days, 1–4 points in 3 communes, up to 12 cells (some in a commune with no point). */
export function instanceArb(options: InstanceOptions = {}): fc.Arbitrary<PlanInput> {
  const { fixable = false } = options;
  return fc
    .record({
      startOffset: fc.integer({ min: 0, max: 6 }),
      days: fc.integer({ min: fixable ? 3 : 1, max: 6 }),
      holidayMask: fc.array(fc.integer({ min: 0, max: 4 }).map((n) => n === 0), { minLength: 6, maxLength: 6 }),
      points: fc.array(
        fc.record({
          commune: fc.constantFrom('A', 'B', 'C'),
          provincial: fc.integer({ min: 0, max: 9 }).map((n) => n < 4),
          kits: fc.integer({ min: 1, max: 3 }),
          rate: fc.integer({ min: 3, max: 12 }),
          shifts: fc.subarray(['morning', 'afternoon', 'evening'] as ShiftKey[], { minLength: 1 }),
          weekdays: fc.subarray([0, 1, 2, 3, 4, 5, 6], { minLength: 1 }),
          closed: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 2 }),
          change: fc.option(fc.record({ at: fc.integer({ min: 1, max: 5 }), kits: fc.integer({ min: 1, max: 3 }), evening: fc.boolean() }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      cells: fc.array(
        fc.record({ commune: fc.constantFrom('A', 'B', 'C', 'D'), level: fc.constantFrom('commune', 'commune', 'commune', 'commune', 'commune', 'commune', 'provincial', 'central'), members: fc.integer({ min: 1, max: 50 }) }),
        { minLength: 1, maxLength: 12 },
      ),
      usedSeed: fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 8 }),
    })
    .map((r) => {
      const start = addDays(START, r.startOffset);
      const deadline = addDays(start, r.days - 1);
      let holidays = r.holidayMask.slice(0, r.days).flatMap((h, i) => (h ? [addDays(start, i)] : []));
      if (fixable) holidays = holidays.slice(0, 1);
      const points: IntakePoint[] = r.points.map((p, i) => {
        const weekdays = fixable ? [...new Set([1, 2, 3, 4, 5, ...p.weekdays])].sort() : p.weekdays;
        const shifts = p.shifts.map((k) => SHIFTS[k]).sort((a, b) => a.start.localeCompare(b.start));
        const settings: PointSettings[] = [{ from: start, kits: p.kits, recordsPerKitHour: p.rate, shifts, openWeekdays: weekdays }];
        if (p.change && p.change.at < r.days) {
          const more = p.change.evening && !p.shifts.includes('evening') ? [...shifts, SHIFTS.evening] : shifts;
          settings.push({ from: addDays(start, p.change.at), kits: p.change.kits, recordsPerKitHour: p.rate, shifts: more, openWeekdays: weekdays });
        }
        const closedOn = [...new Set(p.closed.filter((d) => d < r.days).map((d) => addDays(start, d)))].slice(0, fixable ? 1 : 2);
        return { id: `P${i}`, name: `P${i}`, communeCode: p.commune, operator: p.provincial ? 'provincial' : 'commune', settings, closedOn };
      });
      const cells: CellDemand[] = r.cells.map((c, i) => ({
        cellId: `C${i}`,
        level: c.level as CellDemand['level'],
        communeCode: c.level === 'commune' ? c.commune : null,
        members: c.members,
      }));
      const campaign = { start, deadline, holidays };
      // Walk-ins on a few slots, never more than half a shift.
      const slots = buildSlotDetails(campaign, points);
      const used: Record<string, number> = {};
      r.usedSeed.forEach((n, i) => {
        const s = slots[(i * 7 + n) % Math.max(1, slots.length)];
        if (s) used[slotKey(s.pointId, s.date, s.shift)] = Math.min(n, Math.floor(s.capacity / 2));
      });
      return { campaign, points, cells, locked: [], previous: [], used } satisfies PlanInput;
    });
}

const keyOf = (a: Appointment) => slotKey(a.pointId, a.date, a.shift);

/** Every rule a plan must obey; `locked` of the input must appear unchanged. */
export function checkPlan(input: PlanInput, plan: Plan): void {
  const slots = buildSlotDetails(input.campaign, input.points);
  const slotByKey = new Map(slots.map((s) => [slotKey(s.pointId, s.date, s.shift), s]));
  const pointById = new Map(input.points.map((p) => [p.id, p]));
  const cellById = new Map(input.cells.map((c) => [c.cellId, c]));
  // Each point's slots in order, for "consecutive".
  const order = new Map<string, string[]>();
  for (const s of slots) order.set(s.pointId, [...(order.get(s.pointId) ?? []), slotKey(s.pointId, s.date, s.shift)]);
  const maxCap = new Map<string, number>();
  for (const s of slots) maxCap.set(s.pointId, Math.max(maxCap.get(s.pointId) ?? 0, s.capacity));

  // Locked appointments untouched, in front.
  expect(plan.appointments.slice(0, input.locked.length)).toEqual(input.locked);
  const fresh = plan.appointments.slice(input.locked.length);

  // Capacity: what was free after walk-ins and locked appointments is never exceeded.
  const lockedLoad = new Map<string, number>();
  for (const a of input.locked) lockedLoad.set(keyOf(a), (lockedLoad.get(keyOf(a)) ?? 0) + a.members);
  const freshLoad = new Map<string, number>();
  for (const a of fresh) {
    const s = slotByKey.get(keyOf(a));
    expect(s, `slot ${keyOf(a)} exists`).toBeDefined();
    expect(a.members).toBeGreaterThan(0);
    freshLoad.set(keyOf(a), (freshLoad.get(keyOf(a)) ?? 0) + a.members);
  }
  for (const [k, n] of freshLoad) {
    const free = Math.max(0, slotByKey.get(k)!.capacity - (input.used?.[k] ?? 0) - (lockedLoad.get(k) ?? 0));
    expect(n, `load of ${k}`).toBeLessThanOrEqual(free);
  }

  // Every member once: appointments plus unplaceable make the cell.
  const appointed = new Map<string, number>();
  for (const a of plan.appointments) appointed.set(a.cellId, (appointed.get(a.cellId) ?? 0) + a.members);
  const unplaced = new Map<string, number>();
  for (const u of plan.unplaceable) {
    expect(['no_capacity_before_deadline', 'no_point_for_level', 'no_eligible_members']).toContain(u.reason);
    expect(unplaced.has(u.cellId), `${u.cellId} reported once`).toBe(false);
    unplaced.set(u.cellId, u.members);
  }
  for (const c of input.cells) {
    const locked = input.locked.filter((a) => a.cellId === c.cellId).reduce((n, a) => n + a.members, 0);
    expect((appointed.get(c.cellId) ?? 0) + (unplaced.get(c.cellId) ?? 0), `members of ${c.cellId}`).toBe(Math.max(c.members, locked));
  }

  // One row per cell and slot; new appointments inside the campaign.
  const rows = new Set(plan.appointments.map((a) => `${a.cellId}|${keyOf(a)}`));
  expect(rows.size).toBe(plan.appointments.length);
  for (const a of fresh) {
    expect(a.date >= input.campaign.start && a.date <= input.campaign.deadline).toBe(true);
  }

  // Together in one shift unless larger than every shift of the point; then consecutive shifts there.
  const freshByCell = new Map<string, Appointment[]>();
  for (const a of fresh) freshByCell.set(a.cellId, [...(freshByCell.get(a.cellId) ?? []), a]);
  for (const [cellId, list] of freshByCell) {
    expect(unplaced.has(cellId), `${cellId} either placed or unplaceable`).toBe(false);
    if (list.length === 1) continue;
    const pointId = list[0]!.pointId;
    expect(list.every((a) => a.pointId === pointId), `${cellId} at one point`).toBe(true);
    const total = list.reduce((n, a) => n + a.members, 0);
    expect(total, `${cellId} split only when larger than any shift`).toBeGreaterThan(maxCap.get(pointId)!);
    const positions = list.map((a) => order.get(pointId)!.indexOf(keyOf(a))).sort((x, y) => x - y);
    positions.forEach((p, i) => i > 0 && expect(p, `${cellId} in consecutive shifts`).toBe(positions[i - 1]! + 1));
  }

  // Provincial and central-level cells at provincial points only.
  for (const a of fresh) {
    const c = cellById.get(a.cellId);
    if (c && c.level !== 'commune') expect(pointById.get(a.pointId)!.operator).toBe('provincial');
  }
  const provincialExists = input.points.some((p) => p.operator === 'provincial');
  for (const u of plan.unplaceable) if (u.reason === 'no_point_for_level') expect(provincialExists).toBe(false);

  // Reported figures.
  expect(plan.feasible).toBe(plan.unplaceable.length === 0);
  if (plan.feasible) expect(plan.advice).toEqual([]);
  const last = plan.appointments.reduce<string | null>((m, a) => (m === null || a.date > m ? a.date : m), null);
  expect(plan.finishDate).toBe(last);
  if (plan.feasible && plan.finishDate && plan.lowerBoundDate) expect(plan.lowerBoundDate <= plan.finishDate).toBe(true);
  let cross = 0;
  for (const a of plan.appointments) {
    const c = cellById.get(a.cellId);
    if (c?.level === 'commune' && c.communeCode !== null && pointById.get(a.pointId)?.communeCode !== c.communeCode) cross += a.members;
  }
  expect(plan.crossCommuneMembers).toBe(cross);
}
