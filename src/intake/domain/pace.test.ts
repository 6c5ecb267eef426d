import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approve, confirm, openDossier, recordStep, returnDossier, type Dossier, type DossierResult } from './dossier.ts';
import { median, officerPace } from './pace.ts';

const DAY_FROM = new Date('2026-12-01T00:00:00+07:00');
const DAY_TO = new Date('2026-12-02T00:00:00+07:00');
const RECEIVED = '2026-12-01T05:00:00.000Z';

function ok(result: DossierResult): Dossier {
  if (!result.ok) throw new Error(`refused: ${result.code}`);
  return result.dossier;
}

/** A dossier as the server builds it from a device: server time of receipt, the device's time of each step and of confirmation. */
function taken(officer: string, deviceSteps: [string, string, string] | undefined, deviceConfirm: string | undefined, server = RECEIVED): Dossier {
  let d = openDossier('1');
  (['photo', 'cross_check', 'signature'] as const).forEach((step, i) => {
    d = ok(recordStep(d, step, officer, deviceSteps ? { at: server, deviceAt: deviceSteps[i]! } : { at: server }));
  });
  return ok(confirm(d, officer, deviceConfirm ? { at: server, deviceAt: deviceConfirm } : { at: server }, { openMismatch: false }));
}

/** Minutes after 08:00 Vietnam time on 1 December 2026, as a device would write it. */
const at = (minutes: number) => new Date(Date.parse('2026-12-01T08:00:00+07:00') + minutes * 60_000).toISOString();
const steps = (start: number): [string, string, string] => [at(start), at(start + 1), at(start + 2)];

describe('officer pace', () => {
  it('counts, times and medians per officer, on the device clock', () => {
    const a = [taken('11', steps(0), at(4)), taken('11', steps(5), at(10)), taken('11', steps(12), at(20))];
    const b = [taken('22', steps(0), at(3))];
    const pace = officerPace([...a, ...b], DAY_FROM, DAY_TO);
    expect(pace).toEqual([
      { officerId: '11', confirmed: 3, firstConfirmedAt: at(4), lastConfirmedAt: at(20), medianMinutesBetween: 8, medianMinutesPerDossier: 5, returned: 0 },
      { officerId: '22', confirmed: 1, firstConfirmedAt: at(3), lastConfirmedAt: at(3), medianMinutesBetween: null, medianMinutesPerDossier: 3, returned: 0 },
    ]);
  });

  it('counts the returned ones, and leaves out other days', () => {
    const returned = ok(returnDossier(taken('11', steps(0), at(4)), '99', { at: RECEIVED }, 'Ảnh bị mờ'));
    const approved = ok(approve(taken('11', steps(5), at(9)), '99', { at: RECEIVED }));
    const yesterday = taken('11', steps(-600), at(-590));
    const pace = officerPace([returned, approved, yesterday], DAY_FROM, DAY_TO);
    expect(pace).toMatchObject([{ officerId: '11', confirmed: 2, returned: 1, medianMinutesBetween: 5, medianMinutesPerDossier: 4 }]);
  });

  it('measures a dossier only on one clock, and never backwards', () => {
    // No device time for the confirmation: the server's time is when it arrived, not when it was done.
    const noDeviceConfirm = taken('11', steps(0), undefined, at(30));
    // The device's clock was set back between the steps and the confirmation.
    const setBack = taken('11', steps(10), at(5));
    const pace = officerPace([noDeviceConfirm, setBack], DAY_FROM, DAY_TO);
    expect(pace).toMatchObject([{ confirmed: 2, medianMinutesPerDossier: null, firstConfirmedAt: at(5), lastConfirmedAt: at(30), medianMinutesBetween: 25 }]);
  });

  it('times a second confirmation (after a return) from its own steps only', () => {
    // Round one: steps sent with the first confirmation share its server time; round two comes in an hour later.
    const later = '2026-12-01T06:00:00.000Z';
    let d = ok(returnDossier(taken('11', steps(0), at(4)), '99', { at: RECEIVED }, 'Ảnh bị mờ'));
    d = ok(recordStep(d, 'photo', '11', { at: later, deviceAt: at(60) }));
    d = ok(recordStep(d, 'signature', '11', { at: later, deviceAt: at(61) }));
    d = ok(confirm(d, '11', { at: later, deviceAt: at(63) }, { openMismatch: false }));
    // Round one: 1 → 4 (its photo and signature were redone, its cross-check at 1 stays); round two: 60 → 63, not
    // 1 → 63 (round one's cross-check came with the first confirmation, at the same server time).
    expect(officerPace([d], DAY_FROM, DAY_TO)).toMatchObject([{ confirmed: 2, returned: 1, medianMinutesPerDossier: 3 }]);
  });

  it('takes the median of an even count as the mean of the middle two', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([1 / 3, 1 / 3])).toBe(0.3);
  });

  it('keeps its figures consistent for any set of confirmations', () => {
    const dossier = fc.record({ officer: fc.constantFrom('11', '22', '33'), start: fc.integer({ min: -900, max: 1500 }), took: fc.integer({ min: 2, max: 60 }) });
    fc.assert(
      fc.property(fc.array(dossier, { maxLength: 30 }), (list) => {
        const dossiers = list.map((d) => taken(d.officer, steps(d.start), at(d.start + d.took)));
        const pace = officerPace(dossiers, DAY_FROM, DAY_TO);
        const inDay = list.filter((d) => {
          const t = Date.parse(at(d.start + d.took));
          return t >= DAY_FROM.getTime() && t < DAY_TO.getTime();
        });
        expect(pace.reduce((n, p) => n + p.confirmed, 0)).toBe(inDay.length);
        for (const p of pace) {
          const mine = inDay.filter((d) => d.officer === p.officerId);
          expect(p.confirmed).toBe(mine.length);
          expect(p.firstConfirmedAt <= p.lastConfirmedAt).toBe(true);
          const took = mine.map((d) => d.took);
          expect(p.medianMinutesPerDossier).toBeGreaterThanOrEqual(Math.min(...took));
          expect(p.medianMinutesPerDossier).toBeLessThanOrEqual(Math.max(...took));
          const span = (Date.parse(p.lastConfirmedAt) - Date.parse(p.firstConfirmedAt)) / 60_000;
          if (p.confirmed < 2) expect(p.medianMinutesBetween).toBeNull();
          else expect(p.medianMinutesBetween!).toBeLessThanOrEqual(span);
        }
        expect(pace.map((p) => p.confirmed)).toEqual([...pace.map((p) => p.confirmed)].sort((x, y) => y - x));
      }),
    );
  });
});
