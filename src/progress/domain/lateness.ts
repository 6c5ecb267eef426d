/**
 * Which units will miss the deadline, worst first (pure), from each unit's forecast (forecast.ts).
 *
 * - A unit is listed when its forecast says the deadline will not be met (or was not): deadlineMet is false. Units with
 *   no data yet (deadlineMet unknown) are not listed: nothing says how late they will be; the caller shows them apart.
 * - By shortfall (the default): most members missing at the deadline first, then the latest projected finish.
 * - By lateness: the latest projected finish first, then the largest shortfall. A unit without a finish date (stalled,
 *   never started by a passed deadline, or finishing beyond the horizon) counts as the latest of all.
 * - Ties: Vietnamese alphabetical order of the unit's name (the same collation as member lists), then its id, so the
 *   order never changes between two reads.
 */
import { sortKey } from '../../common/text.ts';
import type { Forecast } from './forecast.ts';

export interface UnitForecast {
  unitId: string;
  name: string;
  forecast: Forecast;
}

export interface LateUnit {
  unitId: string;
  name: string;
  /** Members missing at the deadline. */
  shortfall: number;
  /** Calendar days after the deadline; null when it never finishes at its rate or is beyond the horizon. */
  lateDays: number | null;
  finish: string | null;
  status: Forecast['status'];
}

export type LatenessOrder = 'shortfall' | 'lateness';

export function lateUnits(units: readonly UnitForecast[], order: LatenessOrder = 'shortfall'): LateUnit[] {
  const late = units
    .filter((u) => u.forecast.deadlineMet === false)
    .map((u) => ({
      unit: { unitId: u.unitId, name: u.name, shortfall: u.forecast.shortfall ?? 0, lateDays: u.forecast.lateDays, finish: u.forecast.finish, status: u.forecast.status },
      key: sortKey(u.name),
    }));
  const lateness = (u: LateUnit) => u.lateDays ?? Infinity;
  const byShortfall = (a: LateUnit, b: LateUnit) => b.shortfall - a.shortfall;
  // Infinity − Infinity is NaN: equal lateness must compare as 0.
  const byLateness = (a: LateUnit, b: LateUnit) => (lateness(a) === lateness(b) ? 0 : lateness(b) - lateness(a));
  const [first, second] = order === 'shortfall' ? [byShortfall, byLateness] : [byLateness, byShortfall];
  return late
    .sort((a, b) => first(a.unit, b.unit) || second(a.unit, b.unit) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || (a.unit.unitId < b.unit.unitId ? -1 : a.unit.unitId > b.unit.unitId ? 1 : 0))
    .map((l) => l.unit);
}
