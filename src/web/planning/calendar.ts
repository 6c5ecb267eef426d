// The server's pure slot rules (no I/O), so the calendar shows the very capacities the planner and the move check use.
import { buildSlots, campaignDays, SHIFT_KEYS, settingsOn, shiftCapacity, slotKey } from '../../scheduling/domain/slots.ts';
import type { Campaign as DomainCampaign, IntakePoint } from '../../scheduling/domain/types.ts';
import type { Campaign, PlannedAppointment, PlanView, PointRow, PointSettings, ShiftKey, ShiftSpec } from './api.ts';
/** A plan seen as a calendar of one intake point: days as columns, shifts as rows, each shift's load against its capacity. */

export { SHIFT_KEYS, shiftCapacity, slotKey };

export const domainCampaign = (campaign: Pick<Campaign, 'startDate' | 'deadline' | 'holidays'>): DomainCampaign => ({
  start: campaign.startDate,
  deadline: campaign.deadline,
  holidays: campaign.holidays,
});

/** Capacity of every open shift of the point during the campaign (pointId|date|shift → places). Closed shifts are absent. */
export function capacities(campaign: Campaign, point: IntakePoint): Map<string, number> {
  return new Map(buildSlots(domainCampaign(campaign), [point]).map((slot) => [slotKey(slot.pointId, slot.date, slot.shift), slot.capacity]));
}

/** Members booked per shift (pointId|date|shift → members), leaving out one appointment (the one being moved). */
export function loads(appointments: readonly PlannedAppointment[], exceptId?: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const a of appointments) {
    if (a.id === exceptId) continue;
    const key = slotKey(a.pointId, a.date, a.shift);
    result.set(key, (result.get(key) ?? 0) + a.members);
  }
  return result;
}

/** The hours of a shift on a day, from the settings in force that day; undefined when that shift is not worked. */
export function shiftHours(point: IntakePoint, date: string, key: ShiftKey): ShiftSpec | undefined {
  return settingsOn(point, date)?.shifts.find((shift) => shift.key === key);
}

export interface CalendarCell {
  date: string;
  shift: ShiftKey;
  /** Places in the shift; null when the point does not work it that day (closed, holiday, day off, no such shift). */
  capacity: number | null;
  load: number;
  hours: ShiftSpec | undefined;
  appointments: PlannedAppointment[];
}

export interface PointCalendar {
  days: string[];
  /** Shifts the point works on some day of the campaign, or that hold an appointment, in the day's order. */
  shifts: ShiftKey[];
  cell: (date: string, shift: ShiftKey) => CalendarCell;
  /** Days with an appointment at this point. */
  bookedDays: string[];
}

export function pointCalendar(plan: Pick<PlanView, 'campaign' | 'appointments'>, point: PointRow): PointCalendar {
  const days = campaignDays(domainCampaign(plan.campaign));
  const capacity = capacities(plan.campaign, point);
  const booked = loads(plan.appointments);
  const here = plan.appointments.filter((a) => a.pointId === point.id);
  const worked = new Set<ShiftKey>(here.map((a) => a.shift));
  for (const key of capacity.keys()) worked.add(key.slice(key.lastIndexOf('|') + 1) as ShiftKey);
  const byCell = new Map<string, PlannedAppointment[]>();
  for (const a of here) {
    const key = slotKey(a.pointId, a.date, a.shift);
    byCell.set(key, [...(byCell.get(key) ?? []), a]);
  }
  return {
    days,
    shifts: SHIFT_KEYS.filter((key) => worked.has(key)),
    bookedDays: [...new Set(here.map((a) => a.date))].sort(),
    cell: (date, shift) => {
      const key = slotKey(point.id, date, shift);
      return {
        date,
        shift,
        capacity: capacity.get(key) ?? null,
        load: booked.get(key) ?? 0,
        hours: shiftHours(point, date, shift),
        appointments: byCell.get(key) ?? [],
      };
    },
  };
}

/** The campaign's days cut into weeks of seven (the calendar shows one at a time). */
export function weeksOf(days: readonly string[], size = 7): string[][] {
  const weeks: string[][] = [];
  for (let i = 0; i < days.length; i += size) weeks.push(days.slice(i, i + size));
  return weeks;
}

/** The week that holds a day (0 when none does). */
export function weekOfDay(weeks: readonly (readonly string[])[], day: string | undefined): number {
  if (!day) return 0;
  const index = weeks.findIndex((week) => week.includes(day));
  return index < 0 ? 0 : index;
}

export interface MoveTarget {
  date: string;
  shift: ShiftKey;
  capacity: number;
  /** Places left once the moved appointment has left its own shift. */
  free: number;
  hours: ShiftSpec | undefined;
}

/** Where an appointment could go at a point: every open shift of the campaign, with the places left in it. */
export function moveTargets(plan: Pick<PlanView, 'campaign' | 'appointments'>, point: PointRow, appointmentId: string): MoveTarget[] {
  const booked = loads(plan.appointments, appointmentId);
  return buildSlots(domainCampaign(plan.campaign), [point]).map((slot) => ({
    date: slot.date,
    shift: slot.shift,
    capacity: slot.capacity,
    free: Math.max(0, slot.capacity - (booked.get(slotKey(slot.pointId, slot.date, slot.shift)) ?? 0)),
    hours: shiftHours(point, slot.date, slot.shift),
  }));
}

/** Places a settings entry gives each of its shifts. */
export function shiftCapacities(settings: PointSettings): { shift: ShiftSpec; capacity: number }[] {
  return settings.shifts.map((shift) => ({ shift, capacity: shiftCapacity(settings, shift) }));
}
