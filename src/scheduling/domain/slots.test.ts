import { describe, expect, it } from 'vitest';
import { DEFAULT_RECORDS_PER_KIT_HOUR, addDays, buildSlots, campaignDays, parseTime, settingsOn, validateCampaign, validatePoint, walkInsUsed } from './slots.ts';
import { SHIFTS, START, point } from './test-support.ts';
import type { Campaign } from './types.ts';

// 2025-09-08 is a Monday.
const week: Campaign = { start: START, deadline: '2025-09-14', holidays: [] };

describe('buildSlots', () => {
  it('gives each open shift floor(kits × rate × hours)', () => {
    const slots = buildSlots({ ...week, deadline: START }, [point('P', 'A', { kits: 2, shifts: [SHIFTS.morning, SHIFTS.afternoon, SHIFTS.evening] })]);
    expect(slots).toEqual([
      { pointId: 'P', date: START, shift: 'morning', capacity: 96 },
      { pointId: 'P', date: START, shift: 'afternoon', capacity: 84 },
      { pointId: 'P', date: START, shift: 'evening', capacity: 72 },
    ]);
    expect(DEFAULT_RECORDS_PER_KIT_HOUR).toBe(12);
  });

  it('takes an evening until midnight and rounds down', () => {
    const late = { key: 'evening' as const, start: '18:20', end: '24:00' };
    const slots = buildSlots({ ...week, deadline: START }, [point('P', 'A', { kits: 1, recordsPerKitHour: 10, shifts: [late] })]);
    expect(slots).toEqual([{ pointId: 'P', date: START, shift: 'evening', capacity: 56 }]);
  });

  it('opens on the settings’ weekdays, not on holidays or closures', () => {
    const slots = buildSlots({ ...week, holidays: ['2025-09-09'] }, [
      point('P', 'A', { shifts: [SHIFTS.morning], openWeekdays: [1, 2, 3, 6], closedOn: ['2025-09-10'] }),
    ]);
    // Mon 8 open, Tue 9 holiday, Wed 10 closed, Thu/Fri not open days, Sat 13 open, Sun 14 not.
    expect(slots.map((s) => s.date)).toEqual(['2025-09-08', '2025-09-13']);
  });

  it('uses the settings in force each day', () => {
    const p = point('P', 'A', { shifts: [SHIFTS.morning] });
    p.settings.push({ ...p.settings[0]!, from: '2025-09-10', kits: 3, openWeekdays: [0, 1, 2, 3, 4, 5, 6] });
    const slots = buildSlots(week, [p]);
    expect(slots.map((s) => [s.date, s.capacity])).toEqual([
      ['2025-09-08', 48],
      ['2025-09-09', 48],
      ['2025-09-10', 144],
      ['2025-09-11', 144],
      ['2025-09-12', 144],
      ['2025-09-13', 144],
      ['2025-09-14', 144],
    ]);
    // The first settings entry also covers days before its own date.
    expect(settingsOn({ ...p, settings: [{ ...p.settings[0]!, from: '2025-09-20' }] }, START)?.kits).toBe(1);
  });

  it('has no slots for a campaign whose deadline is before its start', () => {
    expect(buildSlots({ start: START, deadline: '2025-09-07', holidays: [] }, [point('P', 'A')])).toEqual([]);
  });
});

describe('calendar', () => {
  it('counts days and times', () => {
    expect(campaignDays(week)).toHaveLength(7);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(parseTime('07:30')).toBe(450);
    expect(parseTime('24:00')).toBe(1440);
    expect(parseTime('24:30')).toBeUndefined();
    expect(parseTime('7h30')).toBeUndefined();
  });
});

describe('validatePoint', () => {
  const codes = (p: ReturnType<typeof point>) => validatePoint(p).map((i) => `${i.code} ${i.field}`);

  it('accepts usual settings', () => {
    expect(validatePoint(point('P', 'A', { shifts: [SHIFTS.morning, SHIFTS.afternoon, SHIFTS.evening] }))).toEqual([]);
  });
  it('reports no kits, no shifts, no weekdays', () => {
    expect(codes(point('P', 'A', { kits: 0 }))).toEqual(['schedule.point.no_kits settings[0].kits']);
    expect(codes(point('P', 'A', { shifts: [] }))).toEqual(['schedule.point.no_shifts settings[0].shifts']);
    expect(codes(point('P', 'A', { openWeekdays: [] }))).toEqual(['schedule.point.no_weekdays settings[0].openWeekdays']);
  });
  it('reports shifts that overlap or end before they start', () => {
    expect(codes(point('P', 'A', { shifts: [SHIFTS.morning, { key: 'afternoon', start: '11:00', end: '14:00' }] }))).toEqual([
      'schedule.point.shifts_overlap settings[0].shifts[1].start',
    ]);
    expect(codes(point('P', 'A', { shifts: [{ key: 'morning', start: '11:30', end: '07:30' }] }))).toEqual(['schedule.point.shift_order settings[0].shifts[0].end']);
    expect(codes(point('P', 'A', { shifts: [{ key: 'morning', start: '7:30am', end: '11:30' }] }))).toEqual(['schedule.point.bad_time settings[0].shifts[0].start']);
    expect(codes(point('P', 'A', { shifts: [SHIFTS.morning, SHIFTS.morning] }))).toContain('schedule.point.duplicate_shift settings[0].shifts[1].key');
  });
  it('reports unknown dates and settings out of order', () => {
    const p = point('P', 'A', { closedOn: ['2025-02-30'] });
    p.settings.push({ ...p.settings[0]!, from: '2025-09-01' });
    expect(codes(p)).toEqual(['schedule.point.settings_order settings[1].from', 'schedule.point.bad_date closedOn[0]']);
  });
});

describe('validateCampaign', () => {
  it('reports a deadline before the start and unknown dates', () => {
    expect(validateCampaign(week)).toEqual([]);
    expect(validateCampaign({ start: START, deadline: '2025-09-01', holidays: [] })).toEqual([{ code: 'schedule.campaign.deadline_before_start', field: 'deadline' }]);
    expect(validateCampaign({ start: '08/09/2025', deadline: START, holidays: ['2025-13-01'] })).toEqual([
      { code: 'schedule.campaign.bad_date', field: 'start' },
      { code: 'schedule.campaign.bad_date', field: 'holidays[0]' },
    ]);
  });
});

describe('walk-ins', () => {
  it('count in the shift under way when they were received (before the first shift: the first), per point', () => {
    const points = [point('p1', '90001'), point('p2', '90002', { shifts: [SHIFTS.afternoon, SHIFTS.evening] })];
    const used = walkInsUsed(points, START, [
      { pointId: 'p1', time: '06:50', members: 1 },
      { pointId: 'p1', time: '09:10', members: 2 },
      { pointId: 'p1', time: '12:30', members: 1 },
      { pointId: 'p1', time: '19:00', members: 3 },
      { pointId: 'p2', time: '18:00', members: 4 },
      { pointId: 'gone', time: '09:00', members: 9 },
    ]);
    expect(used).toEqual({ 'p1|2025-09-08|morning': 4, 'p1|2025-09-08|afternoon': 3, 'p2|2025-09-08|evening': 4 });
  });
});
