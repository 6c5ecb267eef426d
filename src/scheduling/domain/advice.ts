/** Capacity changes the planner advises, applied to points' settings as officers would apply them. */
import { DEFAULT_SHIFTS, formatTime, parseTime } from './slots.ts';
import type { Advice, IntakePoint, PointSettings, ShiftSpec } from './types.ts';

/**
 * The points with the advice applied: from `from` on (a new settings entry starting that day, as
 * "changes take effect for future days only"), or to every settings entry when `from` is not given.
 * A `from` before the first entry's changes that entry, which already covers the campaign from its start.
 * Pure: points without advice are returned as they are, the others are copied.
 */
export function applyAdvice(points: readonly IntakePoint[], advice: readonly Advice[], from?: string): IntakePoint[] {
  const byPoint = new Map<string, Advice[]>();
  for (const a of advice) byPoint.set(a.pointId, [...(byPoint.get(a.pointId) ?? []), a]);
  return points.map((point) => {
    const items = byPoint.get(point.id);
    if (!items || point.settings.length === 0) return point;
    const settings = point.settings.map(copySettings);
    let first = 0;
    if (from !== undefined) {
      let inForce = -1;
      settings.forEach((s, i) => {
        if (s.from <= from) inForce = i;
      });
      if (inForce >= 0 && settings[inForce]!.from < from) {
        settings.splice(inForce + 1, 0, { ...copySettings(settings[inForce]!), from });
        first = inForce + 1;
      } else first = Math.max(0, inForce);
    }
    for (let i = first; i < settings.length; i++) for (const item of items) settings[i] = applyOne(settings[i]!, item);
    return { ...point, settings };
  });
}

const copySettings = (s: PointSettings): PointSettings => ({ ...s, shifts: s.shifts.map((x) => ({ ...x })), openWeekdays: [...s.openWeekdays] });

function applyOne(s: PointSettings, a: Advice): PointSettings {
  switch (a.kind) {
    case 'add_kits':
      return { ...s, kits: s.kits + a.kits };
    case 'open_weekends':
      return { ...s, openWeekdays: [...new Set([...s.openWeekdays, 0, 6])].sort((x, y) => x - y) };
    case 'open_shift': {
      const shift = shiftToOpen(s.shifts, a.shift);
      return shift ? { ...s, shifts: [...s.shifts, shift] } : s;
    }
  }
}

/**
 * The usual hours of a missing shift, clear of the open ones; an evening shift starts after the day's last shift
 * and runs three hours (at most until midnight). Undefined when the shift is open already or does not fit.
 */
export function shiftToOpen(shifts: readonly ShiftSpec[], key: ShiftSpec['key']): ShiftSpec | undefined {
  if (shifts.some((s) => s.key === key)) return undefined;
  const spans = shifts
    .map((s) => ({ start: parseTime(s.start), end: parseTime(s.end) }))
    .filter((s): s is { start: number; end: number } => s.start !== undefined && s.end !== undefined && s.end > s.start);
  let start = parseTime(DEFAULT_SHIFTS[key].start)!;
  let end = parseTime(DEFAULT_SHIFTS[key].end)!;
  if (key === 'evening') {
    start = Math.max(start, ...spans.map((s) => s.end));
    end = Math.min(24 * 60, Math.max(end, start + 180));
    if (end - start < 60) return undefined;
  }
  if (spans.some((s) => s.start < end && start < s.end)) return undefined;
  return { key, start: formatTime(start), end: formatTime(end) };
}
