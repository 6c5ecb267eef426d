/**
 * The intake points of a unit's province (or commune) over a period: their counts (the point counters), throughput
 * against capacity and utilisation per shift (domain/utilisation.ts), and the median and 90th percentile of each of
 * the six steps per point and per officer (domain/step-timings.ts). Reads the points' own dossiers of the period
 * through their index (a point takes a few thousand in a month), never the whole table.
 */
import { sql } from 'kysely';
import { todayInVietnam } from '../common/dates.ts';
import type { Dossier } from '../intake/domain/dossier.ts';
import { userNames } from '../intake/review.ts';
import { getOrganisation } from '../organisations/service.ts';
import { listRoots } from '../organisations/store.ts';
import type { Queryable } from '../platform/db.ts';
import { requirePermission } from '../platform/permissions.ts';
import type { Actor } from '../platform/scope.ts';
import { loadPoints } from '../scheduling/store.ts';
import { dayNumber, isoFromDayNumber } from '../scheduling/domain/slots.ts';
import { stepTimingsByOfficer, stepTimingsByPoint, type StepTimings } from './domain/step-timings.ts';
import { takenAt, utilisation, type ShiftUse } from './domain/utilisation.ts';
import { effective, STATE_COUNTERS } from './rollups.ts';
import { checkedRange } from './service.ts';

/** Days shown when no range is asked: the last week. */
const DEFAULT_DAYS = 7;

export interface PointProgress {
  id: string;
  name: string;
  communeCode: string;
  /** Dossiers taken there, all days (the point counters). */
  counts: Record<(typeof STATE_COUNTERS)[number], number>;
  /** Over the period, per shift. */
  shifts: ShiftUse[];
  steps: StepTimings | null;
}

export interface PointsProgress {
  from: string;
  to: string;
  /** No province to take the points of (a unit above the provinces): choose one. */
  needsProvince: boolean;
  points: PointProgress[];
  officers: { id: string; name: string; steps: StepTimings }[];
}

export async function pointsProgress(db: Queryable, actor: Actor, query: { organisationId?: string; from?: string; to?: string; today?: string }): Promise<PointsProgress> {
  requirePermission(actor, 'progress.read');
  const today = query.today ?? todayInVietnam();
  const range = checkedRange(query, { from: isoFromDayNumber(dayNumber(today)! - (DEFAULT_DAYS - 1)), to: today });
  const unit = query.organisationId ? await getOrganisation(db, actor, query.organisationId) : (await listRoots(db, actor.scope)).at(0);
  if (!unit?.provinceCode) return { ...range, needsProvince: true, points: [], officers: [] };
  const points = (await loadPoints(db, actor.scope, { provinceCode: unit.provinceCode })).filter((p) => !unit.communeCode || p.communeCode === unit.communeCode);
  if (points.length === 0) return { ...range, needsProvince: false, points: [], officers: [] };
  const ids = points.map((p) => p.id);
  const [counts, dossiers] = await Promise.all([
    sql<Record<string, number> & { source_id: string }>`SELECT * FROM (${effective('progress_sources', sql`kind = 'point' AND source_id = ANY(${ids}::bigint[])`)}) s`.execute(db),
    // A member taken in the period: confirmed then, on the device's clock (an offline counter syncs later, so the
    // receipt may come up to a day after; the domain keeps what falls in the period).
    db
      .selectFrom('dossiers')
      .select(['point_id', 'record'])
      .where('point_id', 'in', ids)
      .where('received_at', '>=', new Date(`${range.from}T00:00:00+07:00`))
      .where('received_at', '<', new Date(Date.parse(`${range.to}T00:00:00+07:00`) + 2 * 86_400_000))
      .execute(),
  ]);
  const countsOf = new Map(counts.rows.map((r) => [String(r.source_id), r]));
  const records = dossiers.map((d) => ({ pointId: d.point_id!, dossier: d.record as Dossier }));
  const use = utilisation(points, records.flatMap((r) => {
    const at = takenAt(r.dossier);
    return at ? [{ pointId: r.pointId, at }] : [];
  }), { from: range.from, to: range.to, holidays: [] });
  const byPoint = new Map(stepTimingsByPoint(records).map((t) => [t.id, t.steps]));
  const officers = stepTimingsByOfficer(records.map((r) => r.dossier));
  const names = await userNames(db, officers.map((o) => o.id));
  return {
    ...range,
    needsProvince: false,
    points: points.map((p) => ({
      id: p.id,
      name: p.name,
      communeCode: p.communeCode,
      counts: Object.fromEntries(STATE_COUNTERS.map((c) => [c, Number(countsOf.get(p.id)?.[c] ?? 0)])) as PointProgress['counts'],
      shifts: use.shifts.filter((s) => s.pointId === p.id),
      steps: byPoint.get(p.id) ?? null,
    })),
    officers: officers.map((o) => ({ id: o.id, name: names.get(o.id) ?? o.id, steps: o.steps })),
  };
}
