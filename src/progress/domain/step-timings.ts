/**
 * How long each of the six intake steps takes, per intake point and per officer (pure). Inspection teams measure the
 * time to process a record and the efficiency of each step. The definitions:
 *
 * - A step's duration is the time from the record just before it in the dossier's event order to the step itself: the
 *   time spent on this step. Event order is the dossier's own numbering (device clocks are not trusted for ordering).
 *   Data entry is done in several records (each correction records it again): it runs from the record before the first
 *   of them to the last.
 * - Measured only when nothing happened in between: the dossier keeps the latest record of each step, so when a step
 *   was done again, or the dossier was confirmed and returned meanwhile, the interval is not this step's alone and is
 *   left out. So work resumed after a return is not measured from before it (that was waiting, not work). The
 *   dossier's first record starts the clock and has no duration of its own: when a dossier opens with its declaration,
 *   that declaration is not measured (nothing says when it began).
 * - Sending (step 6) runs from the last record before it, the final signature: the time from the end of the counter's
 *   work to the record leaving for the Central Organization Committee, review included.
 * - Clock: the device's times when both records a duration joins carry one (an offline counter syncs later; its own
 *   clock says when the work was done), as the officers' pace (pace.ts) measures on one clock; else the server's times.
 *   Devices send every step and correction with their time, so the server's clock only measures what the server
 *   records itself: sending, from the dossier's receipt. A negative duration (a device clock set back) is left out
 *   rather than guessed.
 * - The officer of a duration is the one who recorded the step.
 * - Median: the middle value (the mean of the two middle ones for an even count); 90th percentile: nearest rank, the
 *   value at rank ⌈0.9 × n⌉ of the n durations sorted — a duration that was actually measured, never interpolated.
 *   Both in minutes, to a tenth.
 */
import { STEPS, type Correction, type Dossier, type Step, type When } from '../../intake/domain/dossier.ts';
import { median } from '../../intake/domain/pace.ts';

export interface StepDuration {
  step: Step;
  officerId: string;
  minutes: number;
  clock: 'device' | 'server';
}

export interface TimingSummary {
  /** Durations measured. */
  count: number;
  medianMinutes: number | null;
  p90Minutes: number | null;
}

export type StepTimings = Record<Step, TimingSummary>;

/** A dossier and where it was taken (null: not at an intake point, e.g. by a mobile team). */
export interface TakenDossier {
  pointId: string | null;
  dossier: Dossier;
}

const MINUTE = 60_000;

/** The value at rank ⌈p × n⌉ (1-based) of the sorted values; p in (0, 1], values non-empty. */
export function nearestRank(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(p * sorted.length - 1e-9)) - 1]!;
}

interface Event extends When {
  seq: number;
  by: string;
  /** Set on the kept record of a step (the one measured). */
  step?: Step;
  dataEntry: boolean;
}

/** The measurable durations of one dossier's steps. */
export function stepDurations(dossier: Dossier): StepDuration[] {
  const kept: Event[] = STEPS.flatMap((step) => {
    const record = dossier.steps[step];
    return record ? [{ ...record, step, dataEntry: step === 'data_entry' }] : [];
  });
  const seqs = new Set(kept.map((e) => e.seq));
  const dataEntry = (c: Correction, seq: number): Event => ({ at: c.at, deviceAt: c.deviceAt, seq, by: c.by, dataEntry: true });
  // recordCorrection records the data-entry step just before each correction (same time, same officer); a later one
  // replaces it in `steps`, so it is put back here from the correction.
  const implied = dossier.corrections.filter((c) => !seqs.has(c.seq - 1)).map((c) => dataEntry(c, c.seq - 1));
  const events = [...kept, ...dossier.corrections.map((c) => dataEntry(c, c.seq)), ...implied].sort((a, b) => a.seq - b.seq);
  const out: StepDuration[] = [];
  events.forEach((event, i) => {
    if (!event.step) return;
    let start: Event | undefined = events[i - 1];
    if (event.step !== 'sending') {
      // Data entry spans its records (each correction is one); then nothing may have happened between the start and it.
      let first = i;
      if (event.dataEntry) while (first > 0 && events[first - 1]!.dataEntry && events[first - 1]!.seq === events[first]!.seq - 1) first--;
      start = events[first - 1];
      if (start && start.seq !== events[first]!.seq - 1) start = undefined;
    }
    if (!start) return;
    const device = event.deviceAt !== undefined && start.deviceAt !== undefined;
    const ms = device ? Date.parse(event.deviceAt!) - Date.parse(start.deviceAt!) : Date.parse(event.at) - Date.parse(start.at);
    if (!(ms >= 0)) return;
    out.push({ step: event.step, officerId: event.by, minutes: ms / MINUTE, clock: device ? 'device' : 'server' });
  });
  return out;
}

/** Count, median and 90th percentile of each step's durations. */
export function summarise(durations: readonly StepDuration[]): StepTimings {
  const timings = {} as StepTimings;
  for (const step of STEPS) {
    const minutes = durations.filter((d) => d.step === step).map((d) => d.minutes);
    timings[step] = minutes.length
      ? { count: minutes.length, medianMinutes: median(minutes), p90Minutes: Math.round(nearestRank(minutes, 0.9) * 10) / 10 }
      : { count: 0, medianMinutes: null, p90Minutes: null };
  }
  return timings;
}

function grouped(durations: readonly { key: string; duration: StepDuration }[]): { id: string; steps: StepTimings }[] {
  const groups = new Map<string, StepDuration[]>();
  for (const { key, duration } of durations) {
    const list = groups.get(key);
    if (list) list.push(duration);
    else groups.set(key, [duration]);
  }
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, list]) => ({ id, steps: summarise(list) }));
}

/** Step timings per intake point (ordered by point id); dossiers not taken at a point are left out. */
export function stepTimingsByPoint(taken: readonly TakenDossier[]): { id: string; steps: StepTimings }[] {
  return grouped(taken.flatMap((t) => (t.pointId === null ? [] : stepDurations(t.dossier).map((duration) => ({ key: t.pointId!, duration })))));
}

/** Step timings per officer who recorded the steps (ordered by officer id). */
export function stepTimingsByOfficer(dossiers: readonly Dossier[]): { id: string; steps: StepTimings }[] {
  return grouped(dossiers.flatMap((d) => stepDurations(d).map((duration) => ({ key: duration.officerId, duration }))));
}
