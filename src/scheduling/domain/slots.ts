/**
 * Intake points' opening hours turned into slots (one shift of one point on one day) with a capacity,
 * and the checks on the settings officers type in.
 */
import { isoDate } from '../../common/dates.ts';
import type { Campaign, IntakePoint, PointSettings, ShiftKey, ShiftSpec, Slot } from './types.ts';

/**
 * Records one kit takes per open hour. DOMAIN.md reports ~115–230 records per kit per day
 * (a 3-kit point took 600–700 a day; a 3-machine commune ~2,400 in a week) over 10–11 open hours: 11–21 an hour;
 * 12 is the cautious end, so announced times are kept.
 */
export const DEFAULT_RECORDS_PER_KIT_HOUR = 12;

/** Shift order within a day, and the usual hours (what the advice opens when a shift is missing). */
export const SHIFT_KEYS: readonly ShiftKey[] = ['morning', 'afternoon', 'evening'];
export const DEFAULT_SHIFTS: Readonly<Record<ShiftKey, ShiftSpec>> = {
  morning: { key: 'morning', start: '07:30', end: '11:30' },
  afternoon: { key: 'afternoon', start: '13:30', end: '17:00' },
  evening: { key: 'evening', start: '18:00', end: '21:00' },
};

export interface ValidationIssue {
  /** Stable code; messages come from the i18n catalogue. */
  code: string;
  /** Path of the offending field, e.g. `settings[1].shifts[0].end`. */
  field: string;
  params?: Record<string, string | number>;
}

// ---- calendar days (no time zones: a day is a day number since 1970-01-01) ----

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD date; undefined when it is not a real date. */
export function dayNumber(iso: string): number | undefined {
  const m = typeof iso === 'string' ? ISO_DAY.exec(iso) : null;
  if (!m || !isoDate(Number(m[1]), Number(m[2]), Number(m[3]))) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / MS_PER_DAY;
}

export function isoFromDayNumber(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(iso: string, days: number): string {
  const n = dayNumber(iso);
  if (n === undefined) throw new Error(`not a date: ${iso}`);
  return isoFromDayNumber(n + days);
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export const weekdayOfDayNumber = (n: number) => (((n + 4) % 7) + 7) % 7;

/** The campaign's days, start to deadline inclusive (empty when the dates are wrong). */
export function campaignDays(campaign: Campaign): string[] {
  const start = dayNumber(campaign.start);
  const end = dayNumber(campaign.deadline);
  if (start === undefined || end === undefined) return [];
  const days: string[] = [];
  for (let d = start; d <= end; d++) days.push(isoFromDayNumber(d));
  return days;
}

// ---- times of day ----

/** Minutes since midnight of "HH:MM"; "24:00" is allowed as an end (evening shifts until midnight). */
export function parseTime(hhmm: string): number | undefined {
  const m = typeof hhmm === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim()) : null;
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return undefined;
  return h * 60 + min;
}

export function formatTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Open minutes of a shift; 0 when its times are not valid. */
export function shiftMinutes(shift: ShiftSpec): number {
  const start = parseTime(shift.start);
  const end = parseTime(shift.end);
  if (start === undefined || end === undefined || start >= 24 * 60 || end <= start) return 0;
  return end - start;
}

const rateOf = (s: PointSettings) =>
  Number.isFinite(s.recordsPerKitHour) && s.recordsPerKitHour > 0 ? s.recordsPerKitHour : DEFAULT_RECORDS_PER_KIT_HOUR;

/** floor(kits × records per kit-hour × hours); the small epsilon keeps 12 × 3.5 h from flooring to 41. */
export function shiftCapacity(settings: PointSettings, shift: ShiftSpec): number {
  const kits = Number.isFinite(settings.kits) ? Math.max(0, settings.kits) : 0;
  return Math.floor((kits * rateOf(settings) * shiftMinutes(shift)) / 60 + 1e-9);
}

/** The settings in force on a day: the last entry whose `from` ≤ day; the first one also covers earlier days. */
export function settingsOn(point: IntakePoint, day: string): PointSettings | undefined {
  let current = point.settings[0];
  for (const s of point.settings) if (s.from <= day) current = s;
  return current;
}

/** A slot with what the scheduler needs to order it. */
export interface SlotDetail extends Slot {
  /** Day number (see dayNumber). */
  day: number;
  /** Shift start, minutes since midnight. */
  startMinute: number;
}

/** Slots of the points on the campaign's days, ordered by day, then point (input order), then shift start. */
export function buildSlotDetails(campaign: Campaign, points: readonly IntakePoint[]): SlotDetail[] {
  const days = campaignDays(campaign);
  const holidays = new Set(campaign.holidays);
  const closed = points.map((p) => new Set(p.closedOn));
  const out: SlotDetail[] = [];
  for (const date of days) {
    if (holidays.has(date)) continue;
    const day = dayNumber(date)!;
    const weekday = weekdayOfDayNumber(day);
    points.forEach((point, i) => {
      if (closed[i]!.has(date)) return;
      const settings = settingsOn(point, date);
      if (!settings || !settings.openWeekdays.includes(weekday)) return;
      const shifts = settings.shifts
        .map((shift) => ({ shift, start: parseTime(shift.start) ?? 0, capacity: shiftCapacity(settings, shift) }))
        .filter((s) => s.capacity >= 1)
        .sort((a, b) => a.start - b.start);
      const seen = new Set<ShiftKey>();
      for (const s of shifts) {
        // A key names the slot (pointId|date|shift): a repeated key would make two slots one.
        if (seen.has(s.shift.key)) continue;
        seen.add(s.shift.key);
        out.push({ pointId: point.id, date, shift: s.shift.key, capacity: s.capacity, day, startMinute: s.start });
      }
    });
  }
  return out;
}

/** Every open shift of every point from the campaign start to its deadline, with its capacity. */
export function buildSlots(campaign: Campaign, points: readonly IntakePoint[]): Slot[] {
  return buildSlotDetails(campaign, points).map(({ pointId, date, shift, capacity }) => ({ pointId, date, shift, capacity }));
}

export const slotKey = (pointId: string, date: string, shift: ShiftKey) => `${pointId}|${date}|${shift}`;

/**
 * Capacity used by walk-ins (members taken at a point without a booking there that day), as the planner's `used`:
 * each counts in the shift under way when it was received — the last one begun by then, or the first if none had.
 */
export function walkInsUsed(points: readonly IntakePoint[], date: string, walkIns: readonly { pointId: string; time: string; members: number }[]): Record<string, number> {
  const used: Record<string, number> = {};
  for (const w of walkIns) {
    const point = points.find((p) => p.id === w.pointId);
    const shifts = point && settingsOn(point, date)?.shifts;
    const minute = parseTime(w.time);
    if (!shifts?.length || minute === undefined) continue;
    const begun = shifts.filter((s) => (parseTime(s.start) ?? Infinity) <= minute);
    const shift = begun.length ? begun.reduce((a, b) => (parseTime(b.start)! > parseTime(a.start)! ? b : a)) : shifts.reduce((a, b) => (parseTime(b.start)! < parseTime(a.start)! ? b : a));
    const key = slotKey(w.pointId, date, shift.key);
    used[key] = (used[key] ?? 0) + w.members;
  }
  return used;
}

// ---- validation ----

export function validatePoint(point: IntakePoint): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (!point.settings || point.settings.length === 0) {
    issues.push({ code: 'schedule.point.no_settings', field: 'settings' });
    return issues;
  }
  point.settings.forEach((s, i) => {
    const at = `settings[${i}]`;
    if (dayNumber(s.from) === undefined) issues.push({ code: 'schedule.point.bad_date', field: `${at}.from` });
    else if (i > 0 && s.from <= point.settings[i - 1]!.from) issues.push({ code: 'schedule.point.settings_order', field: `${at}.from` });
    if (!Number.isFinite(s.kits) || s.kits < 1) issues.push({ code: 'schedule.point.no_kits', field: `${at}.kits` });
    if (!Number.isFinite(s.recordsPerKitHour) || s.recordsPerKitHour <= 0) issues.push({ code: 'schedule.point.bad_rate', field: `${at}.recordsPerKitHour` });
    if (!s.openWeekdays || s.openWeekdays.length === 0) issues.push({ code: 'schedule.point.no_weekdays', field: `${at}.openWeekdays` });
    else
      s.openWeekdays.forEach((d, j) => {
        if (!Number.isInteger(d) || d < 0 || d > 6) issues.push({ code: 'schedule.point.bad_weekday', field: `${at}.openWeekdays[${j}]` });
      });
    if (!s.shifts || s.shifts.length === 0) {
      issues.push({ code: 'schedule.point.no_shifts', field: `${at}.shifts` });
      return;
    }
    const spans: { start: number; end: number; j: number }[] = [];
    const keys = new Set<string>();
    s.shifts.forEach((shift, j) => {
      const f = `${at}.shifts[${j}]`;
      if (!SHIFT_KEYS.includes(shift.key)) issues.push({ code: 'schedule.point.bad_shift', field: `${f}.key` });
      else if (keys.has(shift.key)) issues.push({ code: 'schedule.point.duplicate_shift', field: `${f}.key` });
      keys.add(shift.key);
      const start = parseTime(shift.start);
      const end = parseTime(shift.end);
      if (start === undefined || start >= 24 * 60) issues.push({ code: 'schedule.point.bad_time', field: `${f}.start` });
      if (end === undefined) issues.push({ code: 'schedule.point.bad_time', field: `${f}.end` });
      if (start === undefined || end === undefined || start >= 24 * 60) return;
      if (end <= start) issues.push({ code: 'schedule.point.shift_order', field: `${f}.end` });
      else spans.push({ start, end, j });
    });
    spans.sort((a, b) => a.start - b.start);
    for (let k = 1; k < spans.length; k++) {
      if (spans[k]!.start < spans[k - 1]!.end) issues.push({ code: 'schedule.point.shifts_overlap', field: `${at}.shifts[${spans[k]!.j}].start` });
    }
  });
  (point.closedOn ?? []).forEach((d, i) => {
    if (dayNumber(d) === undefined) issues.push({ code: 'schedule.point.bad_date', field: `closedOn[${i}]` });
  });
  return issues;
}

export function validateCampaign(campaign: Campaign): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const start = dayNumber(campaign.start);
  const deadline = dayNumber(campaign.deadline);
  if (start === undefined) issues.push({ code: 'schedule.campaign.bad_date', field: 'start' });
  if (deadline === undefined) issues.push({ code: 'schedule.campaign.bad_date', field: 'deadline' });
  if (start !== undefined && deadline !== undefined && deadline < start) issues.push({ code: 'schedule.campaign.deadline_before_start', field: 'deadline' });
  (campaign.holidays ?? []).forEach((d, i) => {
    if (dayNumber(d) === undefined) issues.push({ code: 'schedule.campaign.bad_date', field: `holidays[${i}]` });
  });
  return issues;
}
