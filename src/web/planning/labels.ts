import { parseDate } from '../../common/dates.ts';
import { DEFAULT_RECORDS_PER_KIT_HOUR, DEFAULT_SHIFTS, SHIFT_KEYS } from '../../scheduling/domain/slots.ts';
import type { Advice, CapacityInput, Operator, PlanStatus, PointSettings, ShiftKey, ShiftSpec, UnplaceableReason } from './api.ts';
/** Words for the planning codes (catalogue keys, checked by labels.test.ts), and the small rules of its forms. */

export { DEFAULT_RECORDS_PER_KIT_HOUR, DEFAULT_SHIFTS, SHIFT_KEYS };

export const OPERATOR_KEYS: Record<Operator, string> = {
  provincial: 'planning.operator.provincial',
  commune: 'planning.operator.commune',
};

export const SHIFT_LABEL_KEYS: Record<ShiftKey, string> = {
  morning: 'planning.shift.morning',
  afternoon: 'planning.shift.afternoon',
  evening: 'planning.shift.evening',
};

/** The shift as a word inside a sentence ("Mở ca tối tại …"). */
export const SHIFT_WORD_KEYS: Record<ShiftKey, string> = {
  morning: 'planning.shiftWord.morning',
  afternoon: 'planning.shiftWord.afternoon',
  evening: 'planning.shiftWord.evening',
};

/** Days of the week as officers list them: Monday (T2) first, Sunday (CN) last; 0 = Sunday as the server counts. */
export const WEEKDAY_ORDER: readonly number[] = [1, 2, 3, 4, 5, 6, 0];

export const WEEKDAY_KEYS: Record<number, string> = {
  0: 'planning.weekday.sun',
  1: 'planning.weekday.mon',
  2: 'planning.weekday.tue',
  3: 'planning.weekday.wed',
  4: 'planning.weekday.thu',
  5: 'planning.weekday.fri',
  6: 'planning.weekday.sat',
};

export const PLAN_STATUS_KEYS: Record<PlanStatus, string> = {
  draft: 'planning.plan.status.draft',
  published: 'planning.plan.status.published',
  superseded: 'planning.plan.status.superseded',
};

export const PLAN_STATUS_COLORS: Record<PlanStatus, string> = { draft: 'gray', published: 'green', superseded: 'orange' };

export const REASON_KEYS: Record<UnplaceableReason, string> = {
  no_capacity_before_deadline: 'planning.plan.reasons.no_capacity_before_deadline',
  no_point_for_level: 'planning.plan.reasons.no_point_for_level',
  no_eligible_members: 'planning.plan.reasons.no_eligible_members',
};

export const ADVICE_KEYS: Record<Advice['kind'], string> = {
  add_kits: 'planning.advice.addKits',
  open_shift: 'planning.advice.openShift',
  open_weekends: 'planning.advice.openWeekends',
};

/** One advice as a sentence: the catalogue key and its values (the shift word still to be translated by the caller). */
export function adviceMessage(advice: Advice, pointName: string): { key: string; params: Record<string, string | number>; shiftKey?: string } {
  switch (advice.kind) {
    case 'add_kits':
      return { key: ADVICE_KEYS.add_kits, params: { kits: advice.kits, count: advice.kits, point: pointName } };
    case 'open_shift':
      return { key: ADVICE_KEYS.open_shift, params: { point: pointName }, shiftKey: SHIFT_WORD_KEYS[advice.shift] };
    case 'open_weekends':
      return { key: ADVICE_KEYS.open_weekends, params: { point: pointName } };
  }
}

/** Open days in Monday-first order, runs of three or more days joined (T2–T6). */
export function weekdayRuns(days: readonly number[]): number[][] {
  const open = WEEKDAY_ORDER.filter((day) => days.includes(day));
  const runs: number[][] = [];
  for (const day of open) {
    const last = runs[runs.length - 1];
    const previous = last?.[last.length - 1];
    if (last && previous !== undefined && WEEKDAY_ORDER.indexOf(previous) + 1 === WEEKDAY_ORDER.indexOf(day)) last.push(day);
    else runs.push([day]);
  }
  // short runs are listed day by day
  return runs.flatMap((run) => (run.length >= 3 ? [run] : run.map((day) => [day])));
}

/** "H:MM", "HH:MM", "7h30", "7.30", "0730" or "7" → "HH:MM"; undefined when it is not a time of day (24:00 ends a day). */
export function normaliseTime(text: string): string | undefined {
  const trimmed = text.trim().toLowerCase();
  let m = /^(\d{1,2})\s*(?:[:.h]\s*(\d{2})?)?$/.exec(trimmed);
  if (!m) m = /^(\d{2})(\d{2})$/.exec(trimmed);
  if (!m) return undefined;
  const hours = Number(m[1]);
  const minutes = m[2] === undefined ? 0 : Number(m[2]);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) return undefined;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

// ---- the capacity part of the point forms ----

export interface ShiftValues {
  enabled: boolean;
  start: string;
  end: string;
}

export interface CapacityValues {
  kits: number | string;
  recordsPerKitHour: number | string;
  shifts: Record<ShiftKey, ShiftValues>;
  /** Checkbox values: '0' (Sunday) … '6'. */
  openWeekdays: string[];
}

/** The form's starting values: from a settings entry (to change it), else one kit, 12 records an hour, morning and afternoon, Monday to Friday. */
export function capacityValuesOf(settings?: PointSettings): CapacityValues {
  const shifts = {} as Record<ShiftKey, ShiftValues>;
  for (const key of SHIFT_KEYS) {
    const current = settings?.shifts.find((shift) => shift.key === key);
    shifts[key] = current
      ? { enabled: true, start: current.start, end: current.end }
      : { enabled: !settings && key !== 'evening', start: DEFAULT_SHIFTS[key].start, end: DEFAULT_SHIFTS[key].end };
  }
  return {
    kits: settings?.kits ?? 1,
    recordsPerKitHour: settings?.recordsPerKitHour ?? DEFAULT_RECORDS_PER_KIT_HOUR,
    shifts,
    openWeekdays: (settings?.openWeekdays ?? [1, 2, 3, 4, 5]).map(String),
  };
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** What is wrong with the capacity fields, as catalogue keys by form path; empty when they can be sent. */
export function capacityErrors(values: CapacityValues): Record<string, string> {
  const errors: Record<string, string> = {};
  const kits = Number(values.kits);
  if (values.kits === '' || !Number.isInteger(kits) || kits < 1 || kits > 100) errors.kits = 'planning.errors.kits';
  const rate = Number(values.recordsPerKitHour);
  if (values.recordsPerKitHour !== '' && (!Number.isFinite(rate) || rate <= 0 || rate > 200)) errors.recordsPerKitHour = 'planning.errors.rate';
  const enabled = SHIFT_KEYS.filter((key) => values.shifts[key].enabled);
  if (enabled.length === 0) errors.shifts = 'planning.errors.noShift';
  const spans: { key: ShiftKey; start: number; end: number }[] = [];
  for (const key of enabled) {
    const start = normaliseTime(values.shifts[key].start);
    const end = normaliseTime(values.shifts[key].end);
    if (!start || start === '24:00') errors[`shifts.${key}.start`] = 'planning.errors.time';
    if (!end) errors[`shifts.${key}.end`] = 'planning.errors.time';
    if (!start || !end || start === '24:00') continue;
    if (minutes(end) <= minutes(start)) errors[`shifts.${key}.end`] = 'planning.errors.shiftOrder';
    else spans.push({ key, start: minutes(start), end: minutes(end) });
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.start < spans[i - 1]!.end) errors[`shifts.${spans[i]!.key}.start`] = 'planning.errors.overlap';
  }
  if (values.openWeekdays.length === 0) errors.openWeekdays = 'planning.errors.noDay';
  return errors;
}

/** The capacity part of a request: shifts with their times as HH:MM, in the day's order (as the server keeps them). */
export function capacityBody(values: CapacityValues): CapacityInput {
  const shifts: ShiftSpec[] = SHIFT_KEYS.filter((key) => values.shifts[key].enabled)
    .map((key) => ({ key, start: normaliseTime(values.shifts[key].start) ?? values.shifts[key].start, end: normaliseTime(values.shifts[key].end) ?? values.shifts[key].end }))
    .sort((a, b) => a.start.localeCompare(b.start));
  const body: CapacityInput = {
    kits: Number(values.kits),
    shifts,
    openWeekdays: [...new Set(values.openWeekdays.map(Number))].sort((a, b) => a - b),
  };
  if (values.recordsPerKitHour !== '') body.recordsPerKitHour = Number(values.recordsPerKitHour);
  return body;
}

/**
 * The form path of a field the server names: its own checks say `settings[0].shifts[1].end`, the request schema
 * `shifts/1/end`; a shift's index is its place in the shifts sent. Undefined for a field the form does not show.
 */
export function pointIssueField(field: string, sentShifts: readonly ShiftSpec[]): string | undefined {
  const path = field
    .replace(/^\/?/, '')
    .replace(/^settings\[\d+\]\.?/, '')
    .replace(/\/(\d+)/g, '[$1]')
    .replace(/\//g, '.');
  if (path === '') return undefined;
  const shift = /^shifts\[(\d+)\](?:\.(\w+))?/.exec(path);
  if (shift) {
    const key = sentShifts[Number(shift[1])]?.key;
    const part = shift[2];
    return key && (part === 'start' || part === 'end') ? `shifts.${key}.${part}` : 'shifts';
  }
  const head = /^(\w+)/.exec(path)?.[1];
  if (head === 'openWeekdays') return 'openWeekdays';
  if (head && ['name', 'communeCode', 'address', 'operator', 'kits', 'recordsPerKitHour', 'shifts', 'from', 'date'].includes(head)) return head;
  return undefined;
}

/** The form path of a campaign field the server names (its checks call the start date `start`). */
export function campaignIssueField(field: string): string | undefined {
  const head = /^\/?(\w+)/.exec(field)?.[1];
  if (head === 'start') return 'startDate';
  if (head && ['name', 'organisationId', 'provinceCode', 'startDate', 'deadline', 'holidays'].includes(head)) return head;
  return undefined;
}

/** A typed date (dd/mm/yyyy and the like) as YYYY-MM-DD; undefined when it is not a whole date. */
export function typedDay(text: string): string | undefined {
  const parsed = parseDate(text);
  return parsed.kind === 'date' ? parsed.iso : undefined;
}

/** Dates typed one after another (commas, semicolons, spaces or new lines between them): the dates, sorted and once each, and what could not be read. */
export function parseDateList(text: string): { dates: string[]; invalid: string[] } {
  const dates = new Set<string>();
  const invalid: string[] = [];
  for (const part of text.split(/[,;\s]+/)) {
    if (part === '') continue;
    const iso = typedDay(part);
    if (iso) dates.add(iso);
    else invalid.push(part);
  }
  return { dates: [...dates].sort(), invalid };
}

/** A share as a Vietnamese percentage (12,5%), one decimal at most; 0% when there is nothing to share. */
export function formatShare(part: number, whole: number): string {
  const share = whole > 0 ? part / whole : 0;
  return new Intl.NumberFormat('vi-VN', { style: 'percent', maximumFractionDigits: 1 }).format(share);
}
