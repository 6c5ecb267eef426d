/**
 * Each officer's pace over one day (pure): how many dossiers they confirmed, when the first and the last, the median
 * time between two confirmations, the median time from a dossier's first step to its confirmation, and how many of
 * them a supervisor returned. Inspection teams look at the time one record takes (DOMAIN.md).
 *
 * Times are the device's clock when it sent one (an offline counter syncs later; its own clock says when the work was
 * done), else the server's. A dossier's duration is only measured on one clock: when the confirmation and the steps all
 * carry the device's time. A negative duration (a device clock set back mid-dossier) is left out rather than guessed.
 */
import type { Dossier, When } from './dossier.ts';

export interface OfficerPace {
  officerId: string;
  confirmed: number;
  firstConfirmedAt: string;
  lastConfirmedAt: string;
  /** Median minutes between two consecutive confirmations; null with fewer than two. */
  medianMinutesBetween: number | null;
  /** Median minutes from a dossier's first step to its confirmation; null when no dossier could be measured. */
  medianMinutesPerDossier: number | null;
  /** Of these dossiers, how many were returned by a supervisor afterwards. */
  returned: number;
}

const MINUTE = 60_000;

const timeOf = (when: When) => when.deviceAt ?? when.at;

/** The median of a non-empty list (the mean of the two middle values for an even count), to a tenth of a minute. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value * 10) / 10;
}

interface Confirmation {
  officerId: string;
  at: number;
  minutes: number | null;
  returned: boolean;
}

/** The confirmations of a dossier inside [from, to) (ms since the epoch), with the duration of each when measurable. */
function confirmations(dossier: Dossier, from: number, to: number): Confirmation[] {
  const found: Confirmation[] = [];
  dossier.history.forEach((transition, index) => {
    if (transition.to !== 'confirmed') return;
    const at = Date.parse(timeOf(transition));
    if (!(at >= from && at < to)) return;
    // The steps kept are the latest of each; those of an earlier round (before a return) are not this one's. Strictly
    // after: steps sent from a device carry the server time of the confirmation they came with.
    const previous = dossier.history.slice(0, index).findLast((t) => t.to === 'confirmed');
    const steps = Object.values(dossier.steps).filter((s) => s && (!previous || Date.parse(s.at) > Date.parse(previous.at)));
    const sameClock = transition.deviceAt !== undefined && steps.length > 0 && steps.every((s) => s.deviceAt !== undefined);
    const start = sameClock ? Math.min(...steps.map((s) => Date.parse(s.deviceAt!))) : NaN;
    const minutes = sameClock && at >= start ? (at - start) / MINUTE : null;
    const returned = dossier.history.slice(index + 1).some((t) => t.from === 'confirmed' && t.to === 'returned');
    found.push({ officerId: transition.by, at, minutes, returned });
  });
  return found;
}

/** Pace per officer of the dossiers confirmed in [from, to), busiest first (then by officer id, for a stable order). */
export function officerPace(dossiers: readonly Dossier[], from: Date, to: Date): OfficerPace[] {
  const byOfficer = new Map<string, Confirmation[]>();
  for (const dossier of dossiers) {
    for (const c of confirmations(dossier, from.getTime(), to.getTime())) byOfficer.set(c.officerId, [...(byOfficer.get(c.officerId) ?? []), c]);
  }
  return [...byOfficer]
    .map(([officerId, list]) => {
      const times = list.map((c) => c.at).sort((a, b) => a - b);
      const gaps = times.slice(1).map((t, i) => (t - times[i]!) / MINUTE);
      const durations = list.flatMap((c) => (c.minutes === null ? [] : [c.minutes]));
      return {
        officerId,
        confirmed: list.length,
        firstConfirmedAt: new Date(times[0]!).toISOString(),
        lastConfirmedAt: new Date(times.at(-1)!).toISOString(),
        medianMinutesBetween: gaps.length ? median(gaps) : null,
        medianMinutesPerDossier: durations.length ? median(durations) : null,
        returned: list.filter((c) => c.returned).length,
      };
    })
    .sort((a, b) => b.confirmed - a.confirmed || a.officerId.localeCompare(b.officerId));
}
