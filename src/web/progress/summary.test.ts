import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChildProgress, Forecast } from './api.ts';
import { forecastSentence, formatPercent, percentDone, sortChildren } from './summary.ts';

const t = (key: string, params: Record<string, string | number> = {}) => `${key}${Object.keys(params).length ? JSON.stringify(params) : ''}`;
const base: Forecast = { status: 'projected', remaining: 10, ratePerDay: 2, measuredDays: 7, finish: '2026-12-20', optimisticFinish: '2026-12-18', pessimisticFinish: '2026-12-23', beyondHorizon: false, deadlinePassed: false, deadlineMet: false, shortfall: 4, lateDays: 5, chanceByDeadline: 0.12 };

const child = (id: string, received: number, target: number, forecast: Forecast | null): ChildProgress => ({
  id, name: id, kind: 'cell', closed: false, target, scheduled: 0, received, confirmed: 0, approved: 0, readyToSend: 0, sent: 0, returned: 0, conflicts: 0, openMismatches: 0, awaitingCheck: 0, forecast,
});

describe('dashboard wording', () => {
  it('gives the share done with one decimal, and none without a target', () => {
    expect(percentDone({ received: 1, target: 3 })).toBe(33.3);
    expect(percentDone({ received: 0, target: 0 })).toBeNull();
    expect(formatPercent(33.3)).toBe('33,3%');
    expect(formatPercent(null)).toBe('–');
  });

  it('says the finish with its band, the lateness and the chance; and each status its own way', () => {
    expect(forecastSentence(base, '2026-12-15', t)).toBe(
      'progress.forecast.finish{"date":"20/12/2026","rate":2}progress.forecast.band{"from":"18/12/2026","to":"23/12/2026"}. progress.forecast.late{"deadline":"15/12/2026","days":5,"shortfall":4}progress.forecast.chance{"percent":12}.',
    );
    expect(forecastSentence({ ...base, status: 'done', finish: '2026-12-01' }, '2026-12-15', t)).toBe('progress.forecast.done{"date":"01/12/2026"}');
    expect(forecastSentence({ ...base, status: 'no_data' }, '2026-12-15', t)).toBe('progress.forecast.noData{"deadline":"15/12/2026"}');
    expect(forecastSentence(null, null, t)).toBe('progress.forecast.noCampaign');
  });

  it('sorts the weakest share first, and the latest finish first with the stalled on top', () => {
    const rows = [child('a', 5, 10, { ...base, lateDays: 2 }), child('b', 1, 10, { ...base, status: 'stalled', finish: null, lateDays: null }), child('c', 9, 10, { ...base, lateDays: 0, deadlineMet: true }), child('d', 0, 0, null)];
    expect(sortChildren(rows, 'percent').map((r) => r.id)).toEqual(['b', 'a', 'c', 'd']);
    expect(sortChildren(rows, 'lateness').map((r) => r.id)).toEqual(['b', 'a', 'c', 'd']);
    expect(sortChildren(rows, 'name')).toEqual(rows);
  });

  it('keeps every row when sorting', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(100), fc.nat(100), fc.option(fc.nat(30))), { maxLength: 20 }), fc.constantFrom('name' as const, 'percent' as const, 'lateness' as const), (specs, sort) => {
        const rows = specs.map(([r, tgt, late], i) => child(`u${i}`, r, tgt, late === null ? null : { ...base, lateDays: late }));
        expect(sortChildren(rows, sort).map((r) => r.id).sort()).toEqual(rows.map((r) => r.id).sort());
      }),
    );
  });
});
