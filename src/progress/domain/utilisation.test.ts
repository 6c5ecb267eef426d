import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { confirm, openDossier, recordStep, type Dossier, type DossierResult } from '../../intake/domain/dossier.ts';
import { buildSlots } from '../../scheduling/domain/slots.ts';
import type { IntakePoint } from '../../scheduling/domain/types.ts';
import { takenAt, utilisation, type Period, type Receipt } from './utilisation.ts';

const morning = { key: 'morning' as const, start: '07:30', end: '11:30' };
const afternoon = { key: 'afternoon' as const, start: '13:30', end: '17:00' };
const point = (id: string, kits: number): IntakePoint => ({
  id,
  name: id,
  communeCode: 'A',
  operator: 'commune',
  settings: [{ from: '2026-12-01', kits, recordsPerKitHour: 12, shifts: [morning, afternoon], openWeekdays: [1, 2, 3, 4, 5] }],
  closedOn: [],
});
/** Monday 7 to Saturday 12 December 2026, Thursday 10 a holiday. */
const PERIOD: Period = { from: '2026-12-07', to: '2026-12-12', holidays: ['2026-12-10'] };
const taken = (pointId: string, local: string): Receipt => ({ pointId, at: `${local}:00+07:00` });

describe('utilisation', () => {
  it('counts members in the shift under way against what the kits can take', () => {
    const p = point('P', 2);
    const q = point('Q', 1);
    // Q has three kits from Tuesday.
    q.settings.push({ ...q.settings[0]!, from: '2026-12-08', kits: 3 });
    const receipts = [
      ...Array.from({ length: 3 }, () => taken('P', '2026-12-07T08:00')),
      taken('P', '2026-12-07T12:00'), // between shifts: the morning was the last begun
      taken('P', '2026-12-07T06:45'), // before opening: the day's first shift
      taken('P', '2026-12-07T14:00'),
      { pointId: 'P', at: '2026-12-07T07:30:00Z' }, // 14:30 in Vietnam
      taken('P', '2026-12-12T09:00'), // Saturday: not an open day, taken anyway
      taken('Q', '2026-12-08T15:00'),
      taken('X', '2026-12-08T09:00'), // no such point
      taken('P', '2026-12-13T09:00'), // after the period
    ];
    const { slots, shifts } = utilisation([p, q], receipts, PERIOD);
    const row = (pointId: string, date: string, shift: string) => slots.find((s) => s.pointId === pointId && s.date === date && s.shift === shift);
    // 2 kits × 12 an hour × 4 h = 96 in the morning, × 3.5 h = 84 in the afternoon.
    expect(row('P', '2026-12-07', 'morning')).toEqual({ pointId: 'P', date: '2026-12-07', shift: 'morning', received: 5, capacity: 96, utilisation: 5 / 96, planned: true });
    expect(row('P', '2026-12-07', 'afternoon')).toMatchObject({ received: 2, capacity: 84 });
    expect(row('P', '2026-12-08', 'morning')).toMatchObject({ received: 0, capacity: 96, utilisation: 0 });
    expect(row('P', '2026-12-12', 'morning')).toMatchObject({ received: 1, capacity: 96, planned: false });
    expect(row('P', '2026-12-10', 'morning')).toBeUndefined();
    expect(row('Q', '2026-12-08', 'afternoon')).toMatchObject({ received: 1, capacity: 126 });
    // Ordered by day, then point as given, then shift.
    expect(slots.slice(0, 4).map((s) => `${s.date} ${s.pointId} ${s.shift}`)).toEqual([
      '2026-12-07 P morning',
      '2026-12-07 P afternoon',
      '2026-12-07 Q morning',
      '2026-12-07 Q afternoon',
    ]);
    // Mon, Tue, Wed, Fri open (+ the Saturday P worked): P's mornings 5 · 96, Q's afternoons 42 + 3 · 126.
    expect(shifts).toEqual([
      { pointId: 'P', shift: 'morning', received: 6, capacity: 480, utilisation: 6 / 480 },
      { pointId: 'P', shift: 'afternoon', received: 2, capacity: 336, utilisation: 2 / 336 },
      { pointId: 'Q', shift: 'morning', received: 0, capacity: 48 + 3 * 144, utilisation: 0 },
      { pointId: 'Q', shift: 'afternoon', received: 1, capacity: 42 + 3 * 126, utilisation: 1 / 420 },
    ]);
  });

  it('gives no share for a shift without capacity', () => {
    const idle = { ...point('P', 0), settings: [{ ...point('P', 0).settings[0]!, kits: 0 }] };
    const { slots, shifts } = utilisation([idle], [taken('P', '2026-12-07T08:00')], PERIOD);
    expect(slots).toEqual([{ pointId: 'P', date: '2026-12-07', shift: 'morning', received: 1, capacity: 0, utilisation: null, planned: false }]);
    expect(shifts).toEqual([{ pointId: 'P', shift: 'morning', received: 1, capacity: 0, utilisation: null }]);
  });

  it('counts every member of the period once, and every open shift', () => {
    const days = ['2026-12-06', '2026-12-07', '2026-12-08', '2026-12-10', '2026-12-12', '2026-12-13'];
    const receiptArb = fc.record({ pointId: fc.constantFrom('P', 'Q'), day: fc.constantFrom(...days), minute: fc.integer({ min: 0, max: 24 * 60 - 1 }) });
    fc.assert(
      fc.property(fc.array(receiptArb, { maxLength: 40 }), fc.integer({ min: 0, max: 3 }), (list, kits) => {
        const points = [point('P', kits), point('Q', 2)];
        const receipts = list.map((r) => taken(r.pointId, `${r.day}T${String(Math.floor(r.minute / 60)).padStart(2, '0')}:${String(r.minute % 60).padStart(2, '0')}`));
        const { slots, shifts } = utilisation(points, receipts, PERIOD);
        const inPeriod = list.filter((r) => r.day >= PERIOD.from && r.day <= PERIOD.to);
        expect(slots.reduce((a, s) => a + s.received, 0)).toBe(inPeriod.length);
        expect(shifts.reduce((a, s) => a + s.received, 0)).toBe(inPeriod.length);
        expect(shifts.reduce((a, s) => a + s.capacity, 0)).toBe(slots.reduce((a, s) => a + s.capacity, 0));
        const planned = slots.filter((s) => s.planned).map(({ pointId, date, shift, capacity }) => ({ pointId, date, shift, capacity }));
        expect(planned).toEqual(buildSlots({ start: PERIOD.from, deadline: PERIOD.to, holidays: [...PERIOD.holidays] }, points).sort((a, b) => a.date.localeCompare(b.date)));
        for (const s of slots) expect(s.utilisation).toBe(s.capacity > 0 ? s.received / s.capacity : null);
      }),
    );
  });
});

describe('takenAt', () => {
  const ok = (result: DossierResult): Dossier => {
    if (!result.ok) throw new Error(result.code);
    return result.dossier;
  };
  const ready = () => ['photo', 'cross_check', 'signature'].reduce((d, step) => ok(recordStep(d, step as 'photo', '11', { at: '2026-12-07T05:00:00Z' })), openDossier('1'));

  it('is the first confirmation, on the device clock when there is one', () => {
    expect(takenAt(ready())).toBeUndefined();
    expect(takenAt(ok(confirm(ready(), '11', { at: '2026-12-07T05:00:00Z', deviceAt: '2026-12-07T01:10:00Z' }, { openMismatch: false })))).toBe('2026-12-07T01:10:00Z');
    expect(takenAt(ok(confirm(ready(), '11', { at: '2026-12-07T05:00:00Z' }, { openMismatch: false })))).toBe('2026-12-07T05:00:00Z');
  });
});
