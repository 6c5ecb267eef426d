import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Forecast } from './forecast.ts';
import { lateUnits, type UnitForecast } from './lateness.ts';

/** A forecast with only what the ranking reads set apart from a projected, late default. */
function unit(unitId: string, name: string, over: Partial<Forecast>): UnitForecast {
  const forecast: Forecast = {
    status: 'projected',
    remaining: 100,
    ratePerDay: 10,
    measuredDays: 7,
    finish: '2026-12-31',
    optimisticFinish: null,
    pessimisticFinish: null,
    beyondHorizon: false,
    deadlinePassed: false,
    deadlineMet: false,
    shortfall: 10,
    lateDays: 1,
    chanceByDeadline: null,
    ...over,
  };
  return { unitId, name, forecast };
}

describe('lateUnits', () => {
  const units = [
    unit('1', 'Xã An Khê', { shortfall: 50, lateDays: 5 }),
    unit('2', 'Xã Bắc Sơn', { deadlineMet: true, shortfall: 0, lateDays: 0 }),
    unit('3', 'Xã Đông Hòa', { status: 'stalled', finish: null, shortfall: 50, lateDays: null }),
    unit('4', 'Xã Ân Thi', { shortfall: 80, lateDays: 3 }),
    unit('5', 'Xã Dương Minh', { status: 'no_data', deadlineMet: null, shortfall: null, lateDays: null }),
    unit('6', 'Xã Ấn Thi', { shortfall: 80, lateDays: 3 }),
  ];

  it('ranks the units that miss the deadline by shortfall, then lateness, then Vietnamese name', () => {
    // Ân before Ấn (tone), the stalled Đông Hòa before An Khê at the same shortfall (it never finishes).
    expect(lateUnits(units).map((u) => u.name)).toEqual(['Xã Ân Thi', 'Xã Ấn Thi', 'Xã Đông Hòa', 'Xã An Khê']);
    expect(lateUnits(units)[2]).toEqual({ unitId: '3', name: 'Xã Đông Hòa', shortfall: 50, lateDays: null, finish: null, status: 'stalled' });
  });

  it('ranks by projected lateness on request, a unit that never finishes first', () => {
    expect(lateUnits(units, 'lateness').map((u) => u.unitId)).toEqual(['3', '1', '4', '6']);
  });

  it('orders names as Vietnamese, not by code point', () => {
    const names = ['Đông', 'Dương', 'Ân', 'An', 'Bắc'];
    const ranked = lateUnits(names.map((n, i) => unit(String(i), n, {})));
    expect(ranked.map((u) => u.name)).toEqual(['An', 'Ân', 'Bắc', 'Dương', 'Đông']);
  });

  it('lists exactly the late units, in an order that does not depend on the input order', () => {
    const unitArb = fc.record({
      name: fc.constantFrom('An', 'Ân', 'Ấn', 'Bình', 'Đông', 'Dương'),
      met: fc.constantFrom(true, false, null),
      shortfall: fc.integer({ min: 1, max: 5 }),
      lateDays: fc.option(fc.integer({ min: 1, max: 5 })),
    });
    fc.assert(
      fc.property(fc.array(unitArb, { maxLength: 12 }), fc.constantFrom('shortfall' as const, 'lateness' as const), (list, order) => {
        const input = list.map((u, i) => unit(String(i), u.name, { deadlineMet: u.met, shortfall: u.shortfall, lateDays: u.lateDays }));
        const ranked = lateUnits(input, order);
        expect(ranked.map((u) => u.unitId).sort()).toEqual(input.filter((u) => u.forecast.deadlineMet === false).map((u) => u.unitId).sort());
        expect(lateUnits([...input].reverse(), order)).toEqual(ranked);
        const main = order === 'shortfall' ? (u: (typeof ranked)[number]) => u.shortfall : (u: (typeof ranked)[number]) => u.lateDays ?? Infinity;
        for (let i = 1; i < ranked.length; i++) expect(main(ranked[i - 1]!)).toBeGreaterThanOrEqual(main(ranked[i]!));
      }),
    );
  });
});
