import { describe, expect, it } from 'vitest';
import type { Campaign, PlannedAppointment, PointRow } from './api.ts';
import { capacities, loads, moveTargets, pointCalendar, shiftCapacities, shiftHours, weekOfDay, weeksOf } from './calendar.ts';

// 2026-12-01 is a Tuesday; 2026-12-05/06 a weekend.
const campaign: Campaign = {
  id: '1',
  name: 'Đợt tháng 12',
  organisationId: '2',
  organisationName: 'Đảng bộ tỉnh Lâm Đồng',
  provinceCode: '68',
  startDate: '2026-12-01',
  deadline: '2026-12-07',
  holidays: ['2026-12-03'],
};

const point: PointRow = {
  id: '10',
  name: 'Công an xã Thử Một',
  provinceCode: '68',
  communeCode: '90001',
  address: null,
  operator: 'commune',
  closedOn: ['2026-12-04'],
  settings: [
    // 2 kits × 12 an hour: 4 h morning = 96, 3.5 h afternoon = 84
    { from: '2026-11-22', kits: 2, recordsPerKitHour: 12, shifts: [{ key: 'morning', start: '07:30', end: '11:30' }, { key: 'afternoon', start: '13:30', end: '17:00' }], openWeekdays: [1, 2, 3, 4, 5] },
    // from the 2nd: one kit, 1 record an hour, an evening of 3 h, weekends too
    { from: '2026-12-02', kits: 1, recordsPerKitHour: 1, shifts: [{ key: 'morning', start: '08:00', end: '09:00' }, { key: 'evening', start: '18:00', end: '21:00' }], openWeekdays: [0, 1, 2, 3, 4, 5, 6] },
  ],
};

const appointment = (id: string, date: string, shift: PlannedAppointment['shift'], members: number, pointId = '10', locked = false): PlannedAppointment => ({ id, cellId: `c${id}`, pointId, date, shift, members, locked, missed: false });

describe('capacities', () => {
  it('are floor(kits × records per kit-hour × hours) from the settings in force that day, for open shifts only', () => {
    const map = capacities(campaign, point);
    expect(map.get('10|2026-12-01|morning')).toBe(96);
    expect(map.get('10|2026-12-01|afternoon')).toBe(84);
    expect(map.get('10|2026-12-01|evening')).toBeUndefined();
    expect(map.get('10|2026-12-02|morning')).toBe(1);
    expect(map.get('10|2026-12-02|evening')).toBe(3);
    expect(map.get('10|2026-12-02|afternoon')).toBeUndefined();
    // a public holiday and a one-off closure: nothing opens
    expect([...map.keys()].filter((key) => key.includes('2026-12-03') || key.includes('2026-12-04'))).toEqual([]);
    // the weekend is open under the second settings
    expect(map.get('10|2026-12-06|evening')).toBe(3);
    expect(shiftCapacities(point.settings[0]!).map((s) => s.capacity)).toEqual([96, 84]);
  });

  it('give a shift its hours of the day', () => {
    expect(shiftHours(point, '2026-12-01', 'morning')).toEqual({ key: 'morning', start: '07:30', end: '11:30' });
    expect(shiftHours(point, '2026-12-05', 'morning')).toEqual({ key: 'morning', start: '08:00', end: '09:00' });
    expect(shiftHours(point, '2026-12-05', 'afternoon')).toBeUndefined();
  });
});

describe('pointCalendar', () => {
  const appointments = [
    appointment('1', '2026-12-01', 'morning', 40),
    appointment('2', '2026-12-01', 'morning', 30),
    appointment('3', '2026-12-02', 'evening', 3, '10', true),
    appointment('4', '2026-12-01', 'morning', 5, '11'),
  ];
  const calendar = pointCalendar({ campaign, appointments }, point);

  it('has the campaign’s days as columns and the shifts the point works as rows', () => {
    expect(calendar.days).toEqual(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06', '2026-12-07']);
    expect(calendar.shifts).toEqual(['morning', 'afternoon', 'evening']);
    expect(calendar.bookedDays).toEqual(['2026-12-01', '2026-12-02']);
  });

  it('shows each shift’s load against its capacity, with its appointments at this point', () => {
    const first = calendar.cell('2026-12-01', 'morning');
    expect({ capacity: first.capacity, load: first.load, ids: first.appointments.map((a) => a.id) }).toEqual({ capacity: 96, load: 70, ids: ['1', '2'] });
    expect(calendar.cell('2026-12-02', 'evening')).toMatchObject({ capacity: 3, load: 3, hours: { start: '18:00', end: '21:00' } });
    expect(calendar.cell('2026-12-03', 'morning')).toMatchObject({ capacity: null, load: 0, appointments: [] });
  });

  it('lists where an appointment can go, with the places left once it has left its own shift', () => {
    const targets = moveTargets({ campaign, appointments }, point, '1');
    expect(targets.find((t) => t.date === '2026-12-01' && t.shift === 'morning')).toMatchObject({ capacity: 96, free: 66 });
    expect(targets.find((t) => t.date === '2026-12-02' && t.shift === 'evening')).toMatchObject({ capacity: 3, free: 0 });
    expect(targets.some((t) => t.date === '2026-12-03')).toBe(false);
    expect(loads(appointments).get('10|2026-12-01|morning')).toBe(70);
    expect(loads(appointments, '2').get('10|2026-12-01|morning')).toBe(40);
  });
});

describe('weeks', () => {
  it('cut the days into weeks and find the week of a day', () => {
    const days = Array.from({ length: 10 }, (_, i) => `2026-12-${String(i + 1).padStart(2, '0')}`);
    const weeks = weeksOf(days);
    expect(weeks.map((w) => w.length)).toEqual([7, 3]);
    expect(weekOfDay(weeks, '2026-12-09')).toBe(1);
    expect(weekOfDay(weeks, '2027-01-01')).toBe(0);
    expect(weekOfDay(weeks, undefined)).toBe(0);
  });
});
