import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../scheduling/domain/slots.ts';
import { forecast, rateWindowStart, type Forecast, type ForecastInput, type WorkCalendar } from './forecast.ts';

// 2026-12-07 is a Monday; 2026-12-10 (Thursday) is a holiday in these tests.
const WEEKDAYS: WorkCalendar = { closedWeekdays: [0, 6], holidays: ['2026-12-10'] };

const base: ForecastInput = {
  daily: { '2026-12-07': 10, '2026-12-08': 20, '2026-12-09': 30, '2026-12-10': 5, '2026-12-11': 20, '2026-12-14': 20, '2026-12-15': 5 },
  target: 200,
  done: 110,
  today: '2026-12-15',
  deadline: '2026-12-18',
  calendar: WEEKDAYS,
};

describe('forecast', () => {
  it('projects at the recent rate over working days, with a band and a shortfall', () => {
    // Measured: Mon 14, Fri 11, Wed 9, Tue 8, Mon 7 (the holiday's 5 is done but not measured) → 100 / 5 = 20 a day.
    // Today may still take 20 − 5 = 15; 75 left → 4 working days after today: Wed 16, Thu 17, Fri 18, Mon 21.
    const f = forecast(base);
    expect(f).toEqual<Forecast>({
      status: 'projected',
      remaining: 90,
      ratePerDay: 20,
      measuredDays: 5,
      finish: '2026-12-21',
      // s = √50 ≈ 7.07: 3 days can bring 60 + 1.28·7.07·√3 ≈ 75.7; the pessimistic end needs 5 (100 − 20.3 ≥ 75).
      optimisticFinish: '2026-12-18',
      pessimisticFinish: '2026-12-22',
      beyondHorizon: false,
      deadlinePassed: false,
      deadlineMet: false,
      // 3 working days to the deadline bring 60 of the 75 still needed after today.
      shortfall: 15,
      lateDays: 3,
      // Φ((60 − 75) / (7.07·√3)) = Φ(−1.22).
      chanceByDeadline: 0.11,
    });
  });

  it('meets the deadline when the rate is enough', () => {
    const f = forecast({ ...base, deadline: '2026-12-21' });
    expect(f).toMatchObject({ deadlineMet: true, shortfall: 0, lateDays: 0, finish: '2026-12-21' });
    expect(f.chanceByDeadline).toBeGreaterThanOrEqual(0.5);
  });

  it('does not count today when it is not a working day, and finishes today when today can take the rest', () => {
    // Saturday 19: 15 left at 150 / 7 a day → one working day after today, Monday 21.
    const week = { ...base.daily, '2026-12-15': 20, '2026-12-16': 20, '2026-12-17': 20, '2026-12-18': 20 };
    expect(forecast({ ...base, today: '2026-12-19', daily: week, done: 185 }).finish).toBe('2026-12-21');
    expect(forecast({ ...base, target: 120 })).toMatchObject({ finish: '2026-12-15', deadlineMet: true, optimisticFinish: '2026-12-15', pessimisticFinish: '2026-12-15', chanceByDeadline: 1 });
  });

  it('measures only from the first day anyone came, and needs two days for a band', () => {
    const f = forecast({ ...base, daily: { '2026-12-14': 30 }, done: 30, target: 90 });
    expect(f).toMatchObject({ status: 'projected', ratePerDay: 30, measuredDays: 1, finish: '2026-12-16', optimisticFinish: null, pessimisticFinish: null, chanceByDeadline: null });
  });

  it('has no data before a whole working day has been measured', () => {
    for (const daily of [{}, { '2026-12-15': 40 }] as Record<string, number>[]) {
      expect(forecast({ ...base, daily, done: 40 })).toMatchObject({ status: 'no_data', ratePerDay: null, finish: null, deadlineMet: null, shortfall: null, lateDays: null, chanceByDeadline: null });
    }
    // Once the deadline has passed, the shortfall is a fact even without a rate.
    expect(forecast({ ...base, daily: {}, done: 40, today: '2026-12-21' })).toMatchObject({ status: 'no_data', deadlinePassed: true, deadlineMet: false, shortfall: 160 });
  });

  it('says a stalled unit never finishes', () => {
    // Seven working days with nobody (Mon 7 … Wed 16 without the holiday and the weekend); Fri 4's 50 is before them.
    const f = forecast({ ...base, daily: { '2026-12-04': 50 }, done: 50, today: '2026-12-17', deadline: '2026-12-31' });
    expect(f).toMatchObject({ status: 'stalled', ratePerDay: 0, measuredDays: 7, finish: null, beyondHorizon: false, deadlineMet: false, shortfall: 150, lateDays: null, chanceByDeadline: 0 });
  });

  it('measures from a first day given apart when the counts given are only the recent ones', () => {
    // The same unit as above with only its last days loaded: the first day says the window is full.
    const f = forecast({ ...base, daily: {}, done: 50, today: '2026-12-17', deadline: '2026-12-31', firstDay: '2026-12-04' });
    expect(f).toMatchObject({ status: 'stalled', measuredDays: 7 });
    // Without it, nothing was measured; and an earlier count in the days given wins over a later first day.
    expect(forecast({ ...base, daily: {}, done: 50, today: '2026-12-17', deadline: '2026-12-31' }).status).toBe('no_data');
    expect(forecast({ ...base, firstDay: '2026-12-15' })).toEqual(forecast(base));
  });

  it('starts the rate window at the seventh working day back', () => {
    // Thu 17: Wed 16, Tue 15, Mon 14, Fri 11, Wed 9, Tue 8, Mon 7 (the holiday and the weekend skipped).
    expect(rateWindowStart('2026-12-17', WEEKDAYS)).toBe('2026-12-07');
    expect(rateWindowStart('2026-12-17', { closedWeekdays: [], holidays: [] })).toBe('2026-12-10');
  });

  it('reads the finish and the shortfall back from the counts once done', () => {
    // Totals at the end of each day: Mon 7: 10, Tue 8: 30, Wed 9: 60.
    const daily = { '2026-12-07': 10, '2026-12-08': 20, '2026-12-09': 30 };
    expect(forecast({ ...base, daily, done: 60, target: 50, today: '2026-12-10', deadline: '2026-12-08' })).toMatchObject({
      status: 'done',
      remaining: 0,
      finish: '2026-12-09',
      deadlinePassed: true,
      deadlineMet: false,
      shortfall: 20,
      lateDays: 1,
    });
    expect(forecast({ ...base, daily, done: 60, target: 50, today: '2026-12-10', deadline: '2026-12-31' })).toMatchObject({ status: 'done', finish: '2026-12-09', deadlineMet: true, shortfall: 0, lateDays: 0, chanceByDeadline: 1 });
  });

  it('reports what was missing at a passed deadline, and how late the projection is', () => {
    // Deadline Fri 11: the total then was 110 − 20 (Mon 14) − 5 (today) = 85.
    const f = forecast({ ...base, deadline: '2026-12-11' });
    expect(f).toMatchObject({ status: 'projected', deadlinePassed: true, deadlineMet: false, shortfall: 115, finish: '2026-12-21', lateDays: 10, chanceByDeadline: 0 });
  });

  it('gives no date beyond three years', () => {
    const f = forecast({ ...base, target: 1_000_000 });
    expect(f).toMatchObject({ status: 'projected', finish: null, beyondHorizon: true, pessimisticFinish: null, deadlineMet: false, lateDays: null });
  });

  it('refuses input that is not dates or counts', () => {
    expect(() => forecast({ ...base, today: '15/12/2026' })).toThrow(RangeError);
    expect(() => forecast({ ...base, daily: { '2026-02-30': 1 } })).toThrow(RangeError);
    expect(() => forecast({ ...base, done: -1 })).toThrow(RangeError);
    expect(() => forecast({ ...base, windowDays: 0 })).toThrow(RangeError);
  });
});

// ---- properties ----

const TODAY = '2026-12-15';
/** The 21 days before today, and today. */
const DAYS = Array.from({ length: 22 }, (_, i) => addDays(TODAY, i - 21));

const calendarArb: fc.Arbitrary<WorkCalendar> = fc.record({
  closedWeekdays: fc.subarray([0, 1, 2, 3, 4, 5, 6], { maxLength: 5 }),
  holidays: fc.subarray(DAYS, { maxLength: 4 }),
});
// Half the time mostly empty days, so that units with no data and stalled units come up too.
const sparseArb = fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }) });
const countsArb = (count: fc.Arbitrary<number>) => fc.array(count, { minLength: DAYS.length, maxLength: DAYS.length });
const dailyArb = fc.oneof(countsArb(fc.integer({ min: 0, max: 60 })), countsArb(sparseArb)).map((counts) => Object.fromEntries(DAYS.map((d, i) => [d, counts[i]!])));
const deadlineArb = fc.integer({ min: -10, max: 60 }).map((n) => addDays(TODAY, n));
const inputArb = fc.record({ daily: dailyArb, target: fc.integer({ min: 0, max: 3000 }), done: fc.integer({ min: 0, max: 3000 }), deadline: deadlineArb, calendar: calendarArb });

/** Later finish = larger; never (or beyond the horizon, or unknown) last. */
const finishRank = (f: Forecast) => (f.finish === null ? Infinity : Date.parse(f.finish));

describe('forecast properties', () => {
  it('never finishes later with more done', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 0, max: 500 }), (input, more) => {
        const less = forecast({ ...input, today: TODAY });
        const most = forecast({ ...input, today: TODAY, done: input.done + more });
        expect(finishRank(most)).toBeLessThanOrEqual(finishRank(less));
        if (less.shortfall !== null && most.shortfall !== null) expect(most.shortfall).toBeLessThanOrEqual(less.shortfall);
      }),
    );
  });

  it('never finishes later at a higher constant rate', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), (input, r1, r2, todays) => {
        // A done unit's finish is read back from its counts, not projected at a rate.
        fc.pre(input.done < input.target);
        const [low, high] = r1 <= r2 ? [r1, r2] : [r2, r1];
        const constant = (rate: number) => Object.fromEntries(DAYS.map((d) => [d, d === TODAY ? todays : rate]));
        const slow = forecast({ ...input, today: TODAY, daily: constant(low) });
        const fast = forecast({ ...input, today: TODAY, daily: constant(high) });
        expect(finishRank(fast)).toBeLessThanOrEqual(finishRank(slow));
      }),
    );
  });

  it('collapses the band to the projected finish at a constant rate', () => {
    fc.assert(
      fc.property(inputArb, fc.integer({ min: 1, max: 40 }), (input, rate) => {
        const f = forecast({ ...input, today: TODAY, daily: Object.fromEntries(DAYS.map((d) => [d, rate])) });
        if (f.measuredDays < 2) return;
        expect(f.optimisticFinish).toBe(f.finish);
        expect(f.pessimisticFinish).toBe(f.finish);
        expect([0, 1]).toContain(f.chanceByDeadline);
      }),
    );
  });

  it('keeps the finish, the band and the deadline figures consistent', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const f = forecast({ ...input, today: TODAY });
        expect(f.remaining).toBe(Math.max(0, input.target - input.done));
        // Not before today unless done, and a done unit finished by today.
        if (f.finish !== null) expect(f.status === 'done' ? f.finish <= TODAY : f.finish >= TODAY).toBe(true);
        // The band holds the projected finish (an end beyond the horizon has no date).
        if (f.status === 'projected' && f.measuredDays >= 2) {
          const rank = (d: string | null) => (d === null ? Infinity : Date.parse(d));
          expect(rank(f.optimisticFinish)).toBeLessThanOrEqual(rank(f.finish));
          expect(rank(f.finish)).toBeLessThanOrEqual(rank(f.pessimisticFinish));
        }
        if (f.shortfall !== null) expect(f.shortfall === 0).toBe(f.deadlineMet);
        if (f.deadlineMet === false) expect(f.shortfall).toBeGreaterThan(0);
        if (!f.deadlinePassed && f.status === 'projected' && f.finish !== null) expect(f.deadlineMet).toBe(f.finish <= input.deadline);
        if (f.chanceByDeadline !== null && f.deadlineMet !== null) {
          if (f.deadlineMet) expect(f.chanceByDeadline).toBeGreaterThanOrEqual(0.5);
          else expect(f.chanceByDeadline).toBeLessThanOrEqual(0.5);
        }
        if (f.lateDays !== null) expect(f.lateDays > 0).toBe(f.deadlineMet === false);
      }),
    );
  });
});
