/**
 * Will a unit finish by the deadline? A forecast from its daily counts (pure). The definitions, as officials read them:
 *
 * - Days are Vietnam's calendar days (YYYY-MM-DD). A working day is any day that is not a closed weekday or a holiday of
 *   the calendar given.
 * - Rate: the average number of members received per working day over the last 7 working days before today (today is
 *   not over yet). A working day on which nobody came counts as 0. The window does not reach back before the first day
 *   anyone was received (the unit's start), so a unit that started three days ago is measured on three days.
 * - Projected finish: at that rate, the working day on which the total reaches the target. Today counts too, for what
 *   the rate says it may still take (the rate less what has come in today).
 * - Band (optimistic and pessimistic finish): the finish falls between these two days 8 times in 10 if each coming day
 *   varies as much as the measured days did. The total of k coming days is taken as normally distributed with mean
 *   k × rate and standard deviation √k × s (s: the sample standard deviation of the measured days); the band is its
 *   10th and 90th percentile finish. It needs at least two measured days. Days that were all alike give no spread: the
 *   band is then the projected finish itself.
 * - Chance by the deadline: under the same approximation, the probability that the total reaches the target by the end
 *   of the deadline day.
 * - Deadline met, shortfall: whether the projected finish is on or before the deadline; if not, how many members the
 *   rate leaves missing at the end of the deadline day. Once the deadline has passed, both are facts, not forecasts: the
 *   total at the end of the deadline day is today's total less what was received after it.
 * - Lateness: calendar days from the deadline to the projected finish (0 when on time).
 *
 * Honest edge cases: target reached → 'done', and the finish is the day the total reached it (read back from the daily
 * counts); no measured working day yet → 'no_data' (no rate, nothing projected, deadline met unknown); a rate of 0 →
 * 'stalled' (at this rate it never finishes: no finish date, the whole remainder is the shortfall); a finish more than
 * three years ahead is not given as a date (beyondHorizon).
 */
import { dayNumber, isoFromDayNumber, weekdayOfDayNumber } from '../../scheduling/domain/slots.ts';

/** Which days count as working days. */
export interface WorkCalendar {
  /** 0 = Sunday … 6 = Saturday. */
  closedWeekdays: readonly number[];
  holidays: readonly string[];
}

export interface ForecastInput {
  /** Members received per Vietnam date; days not listed received nobody. */
  daily: Readonly<Record<string, number>>;
  /** Eligible members. */
  target: number;
  /** Members done so far (today included). */
  done: number;
  today: string;
  deadline: string;
  calendar: WorkCalendar;
  /** Working days the rate is measured on (7 unless given). */
  windowDays?: number;
  /**
   * The first day anyone was received, when `daily` does not reach back to it (a reader that only loads the days the
   * rate is measured on). Ignored when `daily` has an earlier count.
   */
  firstDay?: string;
}

export type ForecastStatus = 'done' | 'no_data' | 'stalled' | 'projected';

export interface Forecast {
  status: ForecastStatus;
  /** Members still to come (never negative). */
  remaining: number;
  /** Members per working day; null when no working day could be measured. */
  ratePerDay: number | null;
  /** Working days the rate was measured on. */
  measuredDays: number;
  /** Projected finish (or, when done, the day the target was reached); null when it never finishes or is beyond the horizon. */
  finish: string | null;
  /** The band; null without one (fewer than two measured days, no projection) or when that end lies beyond the horizon. */
  optimisticFinish: string | null;
  pessimisticFinish: string | null;
  /** The projected finish is more than HORIZON_DAYS ahead. */
  beyondHorizon: boolean;
  deadlinePassed: boolean;
  /** null when unknown (no data yet and the deadline still ahead). */
  deadlineMet: boolean | null;
  /** Members missing at the end of the deadline day (0 when met); null when unknown. */
  shortfall: number | null;
  /** Calendar days from the deadline to the finish (0 when on time); null when unknown or never. */
  lateDays: number | null;
  /** Probability (two decimals) of reaching the target by the deadline; null when unknown (no data, one measured day). */
  chanceByDeadline: number | null;
}

export const DEFAULT_WINDOW_DAYS = 7;
/** How far ahead a finish is still given as a date (three years). */
export const HORIZON_DAYS = 1096;
/** The standard normal's 90th percentile: the band holds the middle 80%. */
const Z_80 = 1.2815515655446004;
/** Slack for floating-point sums (a rate of 10/3 for three days must reach 10). */
const EPSILON = 1e-9;

function day(iso: string, what: string): number {
  const n = dayNumber(iso);
  if (n === undefined) throw new RangeError(`${what} is not a date: ${iso}`);
  return n;
}

function count(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${what} must be a non-negative number: ${value}`);
  return value;
}

/** True for the days the calendar counts as working days. */
function workingDayTest(calendar: WorkCalendar): (dayNo: number) => boolean {
  const closed = new Set(calendar.closedWeekdays);
  const holidays = new Set(calendar.holidays.map((d) => day(d, 'holiday')));
  return (n) => !closed.has(weekdayOfDayNumber(n)) && !holidays.has(n);
}

/** The measured days' counts: the last `size` working days before today, none before the first day with a count. */
function window(daily: ReadonlyMap<number, number>, today: number, isWorking: (n: number) => boolean, size: number, firstDay: number | undefined): number[] {
  let first = firstDay ?? Infinity;
  for (const [n, c] of daily) if (c > 0 && n < first) first = n;
  const counts: number[] = [];
  for (let n = today - 1; n >= first && counts.length < size; n--) if (isWorking(n)) counts.push(daily.get(n) ?? 0);
  return counts;
}

/**
 * The earliest day the rate can be measured on: the `size`-th working day before today (a reader loads the days from
 * there, plus the first day anyone was received, rather than a unit's whole history).
 */
export function rateWindowStart(today: string, calendar: WorkCalendar, size = DEFAULT_WINDOW_DAYS): string {
  const isWorking = workingDayTest(calendar);
  let n = day(today, 'today');
  for (let counted = 0; counted < size; ) if (isWorking(--n)) counted++;
  return isoFromDayNumber(n);
}

/** Smallest k ≥ 1 with total(k) ≥ need, searching from a first guess (total grows with k beyond its minimum). */
function firstDayReaching(need: number, total: (k: number) => number, guess: number): number {
  let k = Math.max(1, Math.ceil(guess - EPSILON));
  while (k > 1 && total(k - 1) >= need - EPSILON) k--;
  while (total(k) < need - EPSILON) k++;
  return k;
}

/** Standard normal distribution function (Abramowitz–Stegun 7.1.26, error below 1.5e-7). */
function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export function forecast(input: ForecastInput): Forecast {
  const today = day(input.today, 'today');
  const deadline = day(input.deadline, 'deadline');
  const target = count(input.target, 'target');
  const done = count(input.done, 'done');
  const size = input.windowDays ?? DEFAULT_WINDOW_DAYS;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`windowDays must be a positive integer: ${size}`);
  const daily = new Map<number, number>();
  for (const [date, c] of Object.entries(input.daily)) daily.set(day(date, 'daily date'), count(c, `daily[${date}]`));
  const isWorking = workingDayTest(input.calendar);

  const remaining = Math.max(0, target - done);
  const counts = window(daily, today, isWorking, size, input.firstDay === undefined ? undefined : day(input.firstDay, 'firstDay'));
  const rate = counts.length ? counts.reduce((a, b) => a + b, 0) / counts.length : null;
  const spread = counts.length >= 2 && rate !== null ? Math.sqrt(counts.reduce((a, c) => a + (c - rate) ** 2, 0) / (counts.length - 1)) : null;
  const deadlinePassed = today > deadline;
  // The total at the end of a past day: today's total less what came after it (only days up to today count).
  const totalAtEndOf = (n: number) => done - [...daily].reduce((a, [d, c]) => (d > n && d <= today ? a + c : a), 0);
  const base = { remaining, ratePerDay: rate, measuredDays: counts.length, deadlinePassed };
  // Once the deadline has passed, whether it was met and by how much are read from the counts.
  const atDeadline = () => {
    const short = Math.max(0, Math.ceil(target - totalAtEndOf(deadline)));
    return { deadlineMet: short === 0, shortfall: short };
  };

  if (remaining === 0) {
    // The first day (from the earliest count) at whose end the total had reached the target.
    const days = [...daily.keys()].filter((n) => n <= today).sort((a, b) => a - b);
    const reached = days.find((n) => totalAtEndOf(n) >= target) ?? today;
    const iso = isoFromDayNumber(reached);
    const met = deadlinePassed ? atDeadline() : { deadlineMet: true, shortfall: 0 };
    // Late only when the counts say so (a total they do not explain may have reached the target before the deadline).
    const lateDays = met.deadlineMet ? 0 : reached - deadline;
    return { ...base, status: 'done', finish: iso, optimisticFinish: iso, pessimisticFinish: iso, beyondHorizon: false, ...met, lateDays, chanceByDeadline: met.deadlineMet ? 1 : 0 };
  }

  const none = { finish: null, optimisticFinish: null, pessimisticFinish: null, beyondHorizon: false, lateDays: null };
  if (rate === null) {
    const met = deadlinePassed ? atDeadline() : { deadlineMet: null, shortfall: null };
    // Something is still missing, so a passed deadline was missed.
    return { ...base, status: 'no_data', ...none, ...met, chanceByDeadline: deadlinePassed ? 0 : null };
  }
  if (rate === 0) {
    const met = deadlinePassed ? atDeadline() : { deadlineMet: false, shortfall: remaining };
    return { ...base, status: 'stalled', ...none, ...met, chanceByDeadline: 0 };
  }

  // Working days after today, up to the horizon: the k-th one is where k more days of work end.
  const ahead: number[] = [];
  for (let n = today + 1; n <= today + HORIZON_DAYS; n++) if (isWorking(n)) ahead.push(n);
  const dateAfter = (k: number) => (k === 0 ? today : ahead[k - 1]);
  const leftToday = isWorking(today) ? Math.max(0, rate - (daily.get(today) ?? 0)) : 0;
  const need = remaining - leftToday;
  const daysFor = (total: (k: number) => number, guess: number) => (need <= EPSILON ? 0 : firstDayReaching(need, total, guess));
  const point = daysFor((k) => k * rate, need / rate);
  const finishDay = dateAfter(point);
  // rate·k ± z·s·√k = need is a quadratic in √k: its root is the first guess (the search only corrects rounding).
  const bandDays = (z: number) => {
    const root = (-z + Math.sqrt(z * z + 4 * rate * need)) / (2 * rate);
    return daysFor((k) => k * rate + z * Math.sqrt(k), root * root);
  };
  const band = spread === null ? null : [bandDays(Z_80 * spread), bandDays(-Z_80 * spread)];
  const asIso = (n: number | undefined) => (n === undefined ? null : isoFromDayNumber(n));

  let daysToDeadline = 0;
  for (let n = today + 1; n <= deadline; n++) if (isWorking(n)) daysToDeadline++;
  const projectedMet = point <= daysToDeadline;
  const met = deadlinePassed
    ? atDeadline()
    : { deadlineMet: projectedMet, shortfall: projectedMet ? 0 : Math.max(1, Math.ceil(need - daysToDeadline * rate - EPSILON)) };
  let chance: number | null;
  if (deadlinePassed) chance = 0; // something is still missing
  else if (need <= EPSILON) chance = 1;
  else if (spread === null) chance = null;
  else if (spread === 0 || daysToDeadline === 0) chance = projectedMet ? 1 : 0;
  else chance = Math.round(normalCdf((daysToDeadline * rate - need) / (spread * Math.sqrt(daysToDeadline))) * 100) / 100;
  return {
    ...base,
    status: 'projected',
    finish: asIso(finishDay),
    optimisticFinish: band ? asIso(dateAfter(band[0]!)) : null,
    pessimisticFinish: band ? asIso(dateAfter(band[1]!)) : null,
    beyondHorizon: finishDay === undefined,
    ...met,
    lateDays: finishDay === undefined ? null : Math.max(0, finishDay - deadline),
    chanceByDeadline: chance,
  };
}
