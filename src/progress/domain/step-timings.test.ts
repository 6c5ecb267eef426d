import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approve, confirm, markReadyToSend, markSent, openDossier, recordCorrection, recordStep, returnDossier, STEPS, type Dossier, type DossierResult, type Step } from '../../intake/domain/dossier.ts';
import { nearestRank, stepDurations, stepTimingsByOfficer, stepTimingsByPoint, summarise, type StepDuration } from './step-timings.ts';

const RECEIVED = '2026-12-01T05:00:00.000Z';
/** Minutes after 08:00 Vietnam time on 1 December 2026. */
const at = (minutes: number) => new Date(Date.parse('2026-12-01T08:00:00+07:00') + minutes * 60_000).toISOString();
/** As a device's dossier reaches the server: the server's time of receipt, the device's time of the work. */
const device = (minutes: number) => ({ at: RECEIVED, deviceAt: at(minutes) });

function ok(result: DossierResult): Dossier {
  if (!result.ok) throw new Error(`refused: ${result.code}`);
  return result.dossier;
}

/** Declaration at 0, two corrections at 2 and 5, photo 7, cross-check 8, signature 12; confirmed, approved, sent 2 h after receipt. */
function sentDossier(officer = '11'): Dossier {
  let d = ok(recordStep(openDossier('1'), 'declaration', officer, device(0)));
  d = ok(recordCorrection(d, { field: 'address', old: 'a', new: 'b' }, officer, device(2)));
  d = ok(recordCorrection(d, { field: 'phone', old: '1', new: '2' }, officer, device(5)));
  d = ok(recordStep(d, 'photo', officer, device(7)));
  d = ok(recordStep(d, 'cross_check', officer, device(8)));
  d = ok(recordStep(d, 'signature', officer, device(12)));
  d = ok(confirm(d, officer, device(13), { openMismatch: false }));
  d = ok(approve(d, '99', { at: RECEIVED }));
  d = ok(markReadyToSend(d, '99', { at: RECEIVED }));
  return ok(markSent(d, '77', { at: new Date(Date.parse(RECEIVED) + 2 * 3_600_000).toISOString() }));
}

describe('stepDurations', () => {
  it('measures each step from the record before it, on the device clock, and sending on the server clock', () => {
    expect(stepDurations(sentDossier())).toEqual<StepDuration[]>([
      // The declaration opened the dossier: nothing says when it began. Data entry runs from the declaration (0) to
      // its last record, the second correction (5).
      { step: 'data_entry', officerId: '11', minutes: 5, clock: 'device' },
      { step: 'photo', officerId: '11', minutes: 2, clock: 'device' },
      { step: 'cross_check', officerId: '11', minutes: 1, clock: 'device' },
      { step: 'signature', officerId: '11', minutes: 4, clock: 'device' },
      { step: 'sending', officerId: '77', minutes: 120, clock: 'server' },
    ]);
  });

  it('does not measure work resumed after a return from the round before', () => {
    let d = ok(recordStep(openDossier('1'), 'photo', '11', device(0)));
    d = ok(recordStep(d, 'cross_check', '11', device(3)));
    d = ok(recordStep(d, 'signature', '11', device(5)));
    d = ok(confirm(d, '11', device(6), { openMismatch: false }));
    // Received at 12:00 (RECEIVED), returned at 13:00; the member comes back at 14:00: a new photo, a new signature.
    d = ok(returnDossier(d, '99', { at: at(300) }, 'Ảnh bị mờ'));
    d = ok(recordStep(d, 'photo', '12', { at: at(360), deviceAt: at(360) }));
    d = ok(recordStep(d, 'signature', '12', { at: at(364), deviceAt: at(364) }));
    // The new photo follows the confirmation and the return: the two hours were waiting, not work. The first
    // cross-check is not measured either: the photo before it was replaced (only the latest record of a step is kept).
    expect(stepDurations(d)).toEqual([{ step: 'signature', officerId: '12', minutes: 4, clock: 'device' }]);
    // Had only the signature been done again, the first cross-check would still be measured.
    let resigned = ok(recordStep(openDossier('1'), 'photo', '11', device(0)));
    resigned = ok(recordStep(resigned, 'cross_check', '11', device(3)));
    resigned = ok(recordStep(resigned, 'signature', '11', device(5)));
    resigned = ok(returnDossier(ok(confirm(resigned, '11', device(6), { openMismatch: false })), '99', { at: at(300) }, 'Chữ ký mờ'));
    resigned = ok(recordStep(resigned, 'signature', '12', { at: at(360), deviceAt: at(360) }));
    expect(stepDurations(resigned)).toEqual([{ step: 'cross_check', officerId: '11', minutes: 3, clock: 'device' }]);
  });

  it('leaves out an interval in which a step was done again', () => {
    let d = ok(recordStep(openDossier('1'), 'photo', '11', device(0)));
    d = ok(recordStep(d, 'cross_check', '11', device(3)));
    d = ok(recordStep(d, 'signature', '11', device(5)));
    // The photo is taken again, so the member signs again: the first signature's record is replaced.
    d = ok(recordStep(d, 'photo', '11', device(6)));
    d = ok(recordStep(d, 'signature', '11', device(9)));
    // 3 → 6 held the first signature too: not the new photo's time alone.
    expect(stepDurations(d)).toEqual([{ step: 'signature', officerId: '11', minutes: 3, clock: 'device' }]);
  });

  it('uses the server clock when either record lacks a device time, and leaves out negative durations', () => {
    let d = ok(recordStep(openDossier('1'), 'photo', '11', { at: at(0) }));
    d = ok(recordStep(d, 'cross_check', '11', { at: at(10), deviceAt: at(2) }));
    // The device's clock was set back between these two.
    d = ok(recordStep(d, 'signature', '11', { at: at(11), deviceAt: at(1) }));
    expect(stepDurations(d)).toEqual([{ step: 'cross_check', officerId: '11', minutes: 10, clock: 'server' }]);
  });

  it('sums to the time from the first record to the last when each step is recorded once, in order', () => {
    const gaps = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 5, maxLength: 5 });
    fc.assert(
      fc.property(gaps, fc.subarray(STEPS.slice(0, 5) as Step[], { minLength: 1 }), (minutes, steps) => {
        let d = openDossier('1');
        let t = 0;
        steps.forEach((step, i) => {
          t += minutes[i]!;
          d = ok(recordStep(d, step, '11', device(t)));
        });
        const durations = stepDurations(d);
        expect(durations.map((x) => x.step)).toEqual(steps.slice(1));
        expect(durations.reduce((a, x) => a + x.minutes, 0)).toBe(t - minutes[0]!);
      }),
    );
  });

  it('never gives a negative duration, whatever the device clocks say', () => {
    const record = fc.record({ step: fc.constantFrom(...(STEPS.slice(0, 5) as Step[]), 'correction' as const), minute: fc.integer({ min: -60, max: 60 }), withDevice: fc.boolean() });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 12 }), (records) => {
        let d = openDossier('1');
        records.forEach((r, i) => {
          const when = r.withDevice ? { at: at(i), deviceAt: at(r.minute) } : { at: at(i) };
          d = ok(r.step === 'correction' ? recordCorrection(d, { field: 'f', old: String(i), new: `${i}'` }, '11', when) : recordStep(d, r.step, '11', when));
        });
        const durations = stepDurations(d);
        // At most one duration per step kept, each from a record of that dossier.
        expect(new Set(durations.map((x) => x.step)).size).toBe(durations.length);
        for (const x of durations) expect(d.steps[x.step]).toBeDefined();
        for (const x of durations) expect(x.minutes).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('summaries', () => {
  it('takes the 90th percentile by nearest rank', () => {
    const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(nearestRank(ten, 0.9)).toBe(9);
    expect(nearestRank([...ten, ...ten.map((x) => x + 10)], 0.9)).toBe(18);
    expect(nearestRank([5, 1, 3], 0.9)).toBe(5);
    expect(nearestRank([4], 0.9)).toBe(4);
  });

  it('is a measured value with at least 90% of the values at or below it and fewer strictly below', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 50 }), (values) => {
        const p90 = nearestRank(values, 0.9);
        expect(values).toContain(p90);
        expect(values.filter((v) => v <= p90).length).toBeGreaterThanOrEqual(0.9 * values.length);
        expect(values.filter((v) => v < p90).length).toBeLessThan(0.9 * values.length);
      }),
    );
  });

  it('summarises each step, with nothing for the steps never measured', () => {
    const durations = [1, 2, 3, 4, 100].map((minutes): StepDuration => ({ step: 'photo', officerId: '11', minutes, clock: 'device' }));
    const timings = summarise(durations);
    expect(timings.photo).toEqual({ count: 5, medianMinutes: 3, p90Minutes: 100 });
    expect(timings.declaration).toEqual({ count: 0, medianMinutes: null, p90Minutes: null });
    expect(Object.keys(timings)).toEqual([...STEPS]);
  });

  it('groups by point and by the officer who recorded each step', () => {
    const byPoint = stepTimingsByPoint([
      { pointId: 'P2', dossier: sentDossier('11') },
      { pointId: 'P1', dossier: sentDossier('12') },
      { pointId: 'P1', dossier: sentDossier('12') },
      { pointId: null, dossier: sentDossier('13') },
    ]);
    expect(byPoint.map((p) => [p.id, p.steps.photo.count, p.steps.sending.medianMinutes])).toEqual([
      ['P1', 2, 120],
      ['P2', 1, 120],
    ]);
    const byOfficer = stepTimingsByOfficer([sentDossier('11'), sentDossier('12')]);
    expect(byOfficer.map((o) => [o.id, o.steps.signature.count, o.steps.sending.count])).toEqual([
      ['11', 1, 0],
      ['12', 1, 0],
      ['77', 0, 2],
    ]);
  });
});
