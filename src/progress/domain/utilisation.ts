/**
 * How busy each intake point's kits were, shift by shift (pure). The definitions:
 *
 * - A member is counted in the shift in which they were taken: the time of the dossier's first confirmation, on the
 *   device's clock when it sent one (an offline counter may sync hours later, in another shift), in Vietnam time. The
 *   shift is the one under way then — the last one begun by that time, or the day's first if none had begun — the same
 *   rule the planner uses for walk-ins (walkInsUsed in scheduling/domain/slots.ts).
 * - Throughput: the members taken in a shift of a point on a day.
 * - Capacity: what the point's kits can take in that shift on that day, from its settings in force that day: kits ×
 *   records per kit-hour × shift hours, rounded down (shiftCapacity, as the planner counts it).
 * - Shifts counted: every shift the planner counts as open (an open weekday of the point, not one of its closures nor a
 *   holiday, a capacity of at least one), and any other shift in which it took members anyway (planned: false), with
 *   that shift's capacity.
 * - Utilisation: throughput ÷ capacity, as a share (1 = full; above 1, the kits took more than the planner expects);
 *   null when the capacity is 0. Over a period, per point and shift (all mornings, all afternoons…): the sums of
 *   throughput and of capacity, then the share.
 */
import type { Dossier } from '../../intake/domain/dossier.ts';
import { buildSlotDetails, SHIFT_KEYS, settingsOn, shiftCapacity, slotKey, walkInsUsed } from '../../scheduling/domain/slots.ts';
import type { IntakePoint, ShiftKey } from '../../scheduling/domain/types.ts';

/** A member taken at a point: the ISO instant (see takenAt). */
export interface Receipt {
  pointId: string;
  at: string;
}

/** Days from `from` to `to` inclusive, and the public holidays in between. */
export interface Period {
  from: string;
  to: string;
  holidays: readonly string[];
}

export interface SlotUse {
  pointId: string;
  date: string;
  shift: ShiftKey;
  received: number;
  capacity: number;
  utilisation: number | null;
  /** The point was open for this shift by its settings (false: it took members in a shift it was not open for). */
  planned: boolean;
}

export interface ShiftUse {
  pointId: string;
  shift: ShiftKey;
  received: number;
  capacity: number;
  utilisation: number | null;
}

/** Vietnam has kept UTC+7, without daylight saving, since 1975. */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

/** When the member was taken: the dossier's first confirmation, on the device's clock when it sent one. */
export function takenAt(dossier: Dossier): string | undefined {
  const first = dossier.history.find((t) => t.to === 'confirmed');
  return first && (first.deviceAt ?? first.at);
}

const share = (received: number, capacity: number) => (capacity > 0 ? received / capacity : null);

export function utilisation(points: readonly IntakePoint[], receipts: readonly Receipt[], period: Period): { slots: SlotUse[]; shifts: ShiftUse[] } {
  // Members per Vietnam date, at their Vietnam time of day.
  const byDate = new Map<string, { pointId: string; time: string; members: number }[]>();
  for (const r of receipts) {
    const ms = Date.parse(r.at);
    if (Number.isNaN(ms)) continue;
    const local = new Date(ms + VIETNAM_OFFSET_MS).toISOString();
    const date = local.slice(0, 10);
    if (date < period.from || date > period.to) continue;
    const list = byDate.get(date);
    const walkIn = { pointId: r.pointId, time: local.slice(11, 16), members: 1 };
    if (list) list.push(walkIn);
    else byDate.set(date, [walkIn]);
  }
  const received = new Map<string, number>();
  for (const [date, list] of byDate) for (const [key, n] of Object.entries(walkInsUsed(points, date, list))) received.set(key, n);

  const slots = new Map<string, SlotUse>();
  const add = (pointId: string, date: string, shift: ShiftKey, capacity: number, planned: boolean) => {
    const key = slotKey(pointId, date, shift);
    const n = received.get(key) ?? 0;
    slots.set(key, { pointId, date, shift, received: n, capacity, utilisation: share(n, capacity), planned });
  };
  for (const s of buildSlotDetails({ start: period.from, deadline: period.to, holidays: [...period.holidays] }, points)) add(s.pointId, s.date, s.shift, s.capacity, true);
  for (const [date] of byDate) {
    for (const point of points) {
      const settings = settingsOn(point, date);
      for (const shift of settings?.shifts ?? []) {
        if (received.has(slotKey(point.id, date, shift.key)) && !slots.has(slotKey(point.id, date, shift.key))) add(point.id, date, shift.key, shiftCapacity(settings!, shift), false);
      }
    }
  }

  const pointIndex = new Map(points.map((p, i) => [p.id, i]));
  const order = (a: { pointId: string; shift: ShiftKey }, b: { pointId: string; shift: ShiftKey }) =>
    pointIndex.get(a.pointId)! - pointIndex.get(b.pointId)! || SHIFT_KEYS.indexOf(a.shift) - SHIFT_KEYS.indexOf(b.shift);
  const slotList = [...slots.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : order(a, b)));

  const totals = new Map<string, ShiftUse>();
  for (const s of slotList) {
    const key = `${s.pointId}|${s.shift}`;
    const total = totals.get(key) ?? { pointId: s.pointId, shift: s.shift, received: 0, capacity: 0, utilisation: null };
    total.received += s.received;
    total.capacity += s.capacity;
    totals.set(key, total);
  }
  const shifts = [...totals.values()].map((t) => ({ ...t, utilisation: share(t.received, t.capacity) })).sort(order);
  return { slots: slotList, shifts };
}
